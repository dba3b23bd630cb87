"""The rules exist once for SQL (macros/players.sql) and once for Python (loader/rules.py):
both give the same answer on every case, and the Python default of min_is_game is dbt's var."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2
import pytest
import yaml

from loader import rules

ROOT = Path(__file__).resolve().parents[2]


def sql_macros() -> SimpleNamespace:
    """macros/players.sql rendered by plain Jinja, with dbt's `var` and `pewstats.` namespace."""
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    source = (ROOT / "macros" / "players.sql").read_text()
    ns = SimpleNamespace()
    module = env.from_string(source).make_module(
        {"var": lambda name: {"min_is_game": rules.DEFAULT_MIN_IS_GAME}[name], "pewstats": ns}
    )
    for name in ("is_player", "is_counted", "is_enemy"):
        setattr(ns, name, getattr(module, name))
    return ns


def test_min_is_game_default_is_the_dbt_var() -> None:
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    assert project["vars"]["min_is_game"] == rules.DEFAULT_MIN_IS_GAME


ACCOUNTS = ["account.0a1b", "ai.12", "", None, "Account.x", "accountx", "xaccount.1"]
IS_GAME = [None, 0.0, 0.09999999, 0.10000000149011612, 0.1, 0.5, 1.0, 2.5, -1.0]
TEAMS = [None, 0, 1, 2]


def test_is_player_and_is_counted_agree() -> None:
    m = sql_macros()
    with duckdb.connect() as con:
        for account in ACCOUNTS:
            got = con.execute(f"select {m.is_player('a')} from (select cast(? as varchar) as a)", [account]).fetchone()[0]
            assert got == rules.is_player(account), account
        for is_game in IS_GAME:
            got = con.execute(f"select {m.is_counted('g')} from (select cast(? as double) as g)", [is_game]).fetchone()[0]
            assert got == rules.is_counted(is_game), is_game


@pytest.mark.parametrize("a_team", TEAMS)
@pytest.mark.parametrize("v_team", TEAMS)
def test_is_enemy_agrees(a_team: int | None, v_team: int | None) -> None:
    m = sql_macros()
    with duckdb.connect() as con:
        for a_account in ACCOUNTS[:4]:
            for v_account in ACCOUNTS[:4]:
                got = con.execute(
                    f"select {m.is_enemy('att', 'vic')} from (select cast(? as varchar) as att_account_id, "
                    "cast(? as integer) as att_team_id, cast(? as varchar) as vic_account_id, "
                    "cast(? as integer) as vic_team_id)",
                    [a_account, a_team, v_account, v_team],
                ).fetchone()[0]
                want = rules.is_enemy(
                    {"accountId": a_account, "teamId": a_team}, {"accountId": v_account, "teamId": v_team}
                )
                assert bool(got) == want, (a_account, a_team, v_account, v_team)
