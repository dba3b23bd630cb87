"""Data tests scoped to what the build wrote (macros/scoped_tests.sql): an incremental build's
data tests read the rows it rebuilt; a first build, --full-refresh, `dbt test` on its own and
`--vars '{full_tests: true}'` read whole tables. On PostgreSQL a test that a constraint of the
table guarantees reads nothing on an incremental build, and only while the constraint exists."""

from __future__ import annotations

import json

import pytest

FIGHTS_OUTCOME = "accepted_values_fights_outcome"
WEAPON_NOT_NULL = "not_null_player_weapon_stats_weapon_id"
PARTICIPANTS_FK = "relationships_fight_participants_fight_id"


def data_test_results(target) -> dict[str, dict]:
    """Each data test of the last dbt invocation (run_results.json), by test name."""
    run = json.loads((target.workdir / "target" / "run_results.json").read_text())
    return {r["unique_id"].split(".")[2]: r for r in run["results"] if r["unique_id"].startswith("test.")}


def data_test_result(target, prefix: str) -> dict:
    found = [v for k, v in data_test_results(target).items() if k.startswith(prefix)]
    assert len(found) == 1, (prefix, sorted(data_test_results(target)))
    return found[0]


def result(target, prefix: str) -> tuple[str, int]:
    """(status, failures) of the test whose name starts with ``prefix``."""
    r = data_test_result(target, prefix)
    return r["status"], r["failures"]


def placeholder(target) -> str:
    return "%s" if target.kind == "postgres" else "?"


@pytest.mark.slow
def test_incremental_build_tests_the_rows_it_wrote(any_target, small_season) -> None:
    t, s, raw = any_target, f'"{any_target.schema}"', f'"{any_target.raw_schema}"'
    old, new = small_season[0], small_season[1]
    t.pewstats("load", "telemetry", "--detect-fights", str(old.telemetry_path), check=True)
    t.dbt("build")  # a first build: every test on whole tables, all pass
    assert result(t, FIGHTS_OUTCOME) == ("pass", 0)

    # an OLD row goes bad behind the build's back (no build rewrites it: its match and its
    # player are not in the next load)
    t.query(f"update {s}.fights set outcome = 'BOGUS_OLD' where match_id = {placeholder(t)}", (old.match_id,))
    t.pewstats("load", "telemetry", "--detect-fights", str(new.telemetry_path), check=True)
    new_players = {a for (a,) in t.query(
        f"select distinct character__accountid from {raw}.log_match_start_characters where match_id = {placeholder(t)}",
        (new.match_id,),
    )}
    (account, weapon) = next(
        (a, w) for a, w in t.query(f"select account_id, weapon_id from {s}.player_weapon_stats order by 1, 2")
        if a not in new_players
    )
    where = f"where account_id = {placeholder(t)} and weapon_id = {placeholder(t)}"
    (bad_rows,) = t.query(f"select count(*) from {s}.player_weapon_stats {where}", (account, weapon))[0]
    t.query(f"update {s}.player_weapon_stats set weapon_id = null {where}", (account, weapon))
    # and a NEW row is bad: the new match's fights come with an outcome nobody knows
    t.query(f"update {raw}.fights set outcome = 'BOGUS_NEW' where match_id = {placeholder(t)}", (new.match_id,))

    proc = t.dbt("build", check=False)  # incremental: the new match's rows and its players'
    assert proc.returncode != 0
    assert result(t, FIGHTS_OUTCOME) == ("fail", 1)  # BOGUS_NEW only
    assert result(t, WEAPON_NOT_NULL) == ("pass", 0)  # the old row is not read

    proc = t.dbt("build", "--vars", "{full_tests: true}", check=False)
    assert proc.returncode != 0
    assert result(t, FIGHTS_OUTCOME) == ("fail", 2)  # BOGUS_OLD and BOGUS_NEW
    assert result(t, WEAPON_NOT_NULL) == ("fail", bad_rows)

    proc = t.dbt("test", check=False)  # no build in this invocation: whole tables
    assert result(t, FIGHTS_OUTCOME) == ("fail", 2)
    assert result(t, WEAPON_NOT_NULL) == ("fail", bad_rows)

    proc = t.dbt("build", check=False)  # nothing new: nothing rebuilt, nothing read
    assert result(t, FIGHTS_OUTCOME) == ("pass", 0)
    assert result(t, WEAPON_NOT_NULL) == ("pass", 0)


@pytest.mark.slow
def test_postgres_constraints_count_as_tested_while_they_exist(pg_target, small_season) -> None:
    t, s, raw = pg_target, f'"{pg_target.schema}"', f'"{pg_target.raw_schema}"'
    t.pewstats("load", "telemetry", "--detect-fights", str(small_season[0].telemetry_path), check=True)
    t.dbt("build")
    t.pewstats("load", "telemetry", "--detect-fights", str(small_season[1].telemetry_path), check=True)
    t.dbt("build")
    # the foreign key holds: its test reads nothing on an incremental build (compiled `where false`)
    assert "where false" in data_test_result(t, PARTICIPANTS_FK)["compiled_code"]
    assert result(t, PARTICIPANTS_FK) == ("pass", 0)

    # without the foreign key (as after a parent rebuilt on its own), the test is back, and an
    # orphan participant of the next match is caught
    (fk,) = t.query(
        "select conname from pg_constraint where conrelid = to_regclass(%s) and contype = 'f'",
        (f"{s}.fight_participants",),
    )[0]
    t.query(f'alter table {s}.fight_participants drop constraint "{fk}"')
    m2 = small_season[2].match_id
    t.pewstats("load", "telemetry", "--detect-fights", str(small_season[2].telemetry_path), check=True)
    t.query(
        f"update {raw}.fight_participants set fight_id = 'no-such-fight'"
        f" where ctid = (select min(ctid) from {raw}.fight_participants where match_id = %s)",
        (m2,),
    )
    proc = t.dbt("build", check=False)
    assert proc.returncode != 0
    assert result(t, PARTICIPANTS_FK) == ("fail", 1)
