"""A new user's first hour (issue 16): the command line's help and version, `pewstats dbt`
passing dbt's own help through, dbt not phoning home or writing colour codes, the demo's
database being the one later commands use, the test command's database, and lint setup."""

from __future__ import annotations

import configparser
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import click
import psycopg
import pytest

from loader.cli.commands import main
from loader.pipeline.dbt import dbt_env_defaults

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ANSI = "\x1b["
# what the user's shell might set that would point the commands elsewhere
LOCATION_VARS = ("PEWSTATS_TARGET", "PEWSTATS_DUCKDB_PATH", "PEWSTATS_SCHEMA", "PEWSTATS_RAW_SCHEMA", "DBT_PROFILES_DIR")
DBT_VARS = ("DBT_SEND_ANONYMOUS_USAGE_STATS", "DBT_VERSION_CHECK", "DBT_USE_COLORS", "DBT_USE_COLORS_FILE")


def clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a user who set nothing of ours, dbt's artefacts kept under ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k not in LOCATION_VARS + DBT_VARS}
    env.update({"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")})
    env.update(extra)
    return env


def pewstats(*args: str, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "loader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def all_commands(group: click.Group, prefix: str = "pewstats") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, cmd in sorted(group.commands.items()):
        found.append((f"{prefix} {name}", cmd))
        if isinstance(cmd, click.Group):
            found += all_commands(cmd, f"{prefix} {name}")
    return found


# ---------------------------------------------------------------------------------------------
# help, version (16.2)
# ---------------------------------------------------------------------------------------------


def test_every_option_and_command_has_help_text() -> None:
    missing = [
        f"{path} {param.opts[0]}"
        for path, cmd in all_commands(main)
        for param in cmd.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []
    assert [path for path, cmd in all_commands(main) if not (cmd.help or "").strip()] == []


@pytest.mark.parametrize("group", [[], ["load"]])
def test_command_lists_are_not_cut_mid_phrase(group: list[str], tmp_path: Path) -> None:
    proc = pewstats(*group, "--help", cwd=tmp_path, env=clean_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    listing = proc.stdout.split("Commands:", 1)[1]
    assert "..." not in listing
    owner = main if not group else main.commands[group[0]]
    assert isinstance(owner, click.Group)
    flat = " ".join(listing.split())
    for name, cmd in owner.commands.items():
        assert f"{name} {cmd.get_short_help_str(limit=1000)}" in flat


def test_version(tmp_path: Path) -> None:
    from importlib import metadata

    proc = pewstats("--version", cwd=tmp_path, env=clean_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"pewstats {metadata.version('pewstats-dbt')} (dbt-core {metadata.version('dbt-core')})"


def test_dbt_target_help_and_jobs_zero_say_what_they_mean(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    dbt_help = pewstats("dbt", "--help", cwd=tmp_path, env=env).stdout
    target_help = " ".join(dbt_help.split("--target [duckdb|postgres|spark]", 1)[1].split("--raw-schema", 1)[0].split())
    assert "dbt target" in target_help and "land" not in target_help
    for command in (["load", "telemetry"], ["run"]):
        text = " ".join(pewstats(*command, "--help", cwd=tmp_path, env=env).stdout.split())
        assert "0 = one per core" in text


def test_dbt_passes_its_own_help_and_version_through(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    alone = pewstats("dbt", cwd=tmp_path, env=env)
    assert alone.returncode == 2 and "Usage: dbt [OPTIONS] [COMMAND]" in alone.stdout and "build" in alone.stdout
    version = pewstats("dbt", "--version", cwd=tmp_path, env=env)
    assert version.returncode == 0 and "installed: 1.11" in version.stdout and "duckdb:" in version.stdout
    dashed = pewstats("dbt", "--", "--help", cwd=tmp_path, env=env)
    assert dashed.returncode == 0 and "Specify one of these sub-commands" in dashed.stdout
    assert "--duckdb-path" in dashed.stdout  # the wrapper's own options come first
    build = pewstats("dbt", "build", "--help", cwd=tmp_path, env=env)
    assert build.returncode == 0, build.stderr
    assert "build [OPTIONS]" in build.stdout and "--full-refresh" in build.stdout and "--selector" in build.stdout
    assert "Usage: pewstats dbt" not in build.stdout


# ---------------------------------------------------------------------------------------------
# dbt's tracking, version check and colours (16.3, 16.11)
# ---------------------------------------------------------------------------------------------


def test_dbt_defaults_never_override_what_the_user_set() -> None:
    assert dbt_env_defaults({}, interactive=False) == {
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_VERSION_CHECK": "false",
        "DBT_USE_COLORS_FILE": "false", "DBT_USE_COLORS": "false",
    }
    assert "DBT_USE_COLORS" not in dbt_env_defaults({}, interactive=True)
    user = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "true", "DBT_USE_COLORS": "true"}
    assert set(dbt_env_defaults(user, interactive=False)) == {"DBT_VERSION_CHECK", "DBT_USE_COLORS_FILE"}


FLAGS_PROBE = """
import sys
from dbt.flags import get_flags
from loader.config import Settings
from loader.pipeline.dbt import invoke
result = invoke(["ls", "--resource-type", "seed"], Settings.from_env())
flags = get_flags()
print("FLAGS", flags.SEND_ANONYMOUS_USAGE_STATS, flags.VERSION_CHECK, flags.USE_COLORS, flags.USE_COLORS_FILE)
sys.exit(0 if result.success else 1)
"""


def test_dbt_runs_without_usage_stats_or_version_check_unless_asked(tmp_path: Path) -> None:
    # the user set none of dbt's variables (that one set is kept: the test above)
    env = clean_env(tmp_path, PEWSTATS_DUCKDB_PATH=str(tmp_path / "probe.duckdb"))
    proc = subprocess.run([PYTHON, "-c", FLAGS_PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    flags = next(line for line in proc.stdout.splitlines() if line.startswith("FLAGS")).split()[1:]
    assert flags == ["False", "False", "False", "False"]  # output is a pipe here: no colours
    assert ANSI not in proc.stdout and ANSI not in (tmp_path / "logs" / "dbt.log").read_text()


# ---------------------------------------------------------------------------------------------
# the demo's database (16.1, 16.11)
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_after_the_demo_dbt_commands_work_on_its_database_with_no_flags(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    demo = pewstats("demo", "--matches", "3", "--scale", "0.1", cwd=tmp_path, env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "DuckDB file: pewstats.duckdb  (summary: .pewstats/demo/run-summary.json)" in demo.stderr
    assert str(tmp_path) not in demo.stderr + demo.stdout  # relative paths only
    assert [line for line in demo.stdout.splitlines() if line != line.rstrip()] == []  # no trailing spaces
    assert (tmp_path / "pewstats.duckdb").is_file()

    docs = pewstats("dbt", "docs", "generate", cwd=tmp_path, env=env)
    assert docs.returncode == 0, docs.stdout + docs.stderr
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    assert {"model.pewstats.fights", "model.pewstats.player_weapon_stats"} <= set(catalog["nodes"])
    assert "source.pewstats.telemetry.log_player_take_damage" in catalog["sources"]

    freshness = pewstats("dbt", "source", "freshness", cwd=tmp_path, env=env)
    assert freshness.returncode == 0, freshness.stdout + freshness.stderr
    assert "ERROR" not in freshness.stdout
    for text in (demo.stdout, demo.stderr, docs.stdout, freshness.stdout, (tmp_path / "logs" / "dbt.log").read_text()):
        assert ANSI not in text


def test_the_demo_replaces_only_a_database_it_made(tmp_path: Path) -> None:
    from loader.pipeline.demo import claim_database

    env = clean_env(tmp_path)
    theirs = tmp_path / "pewstats.duckdb"
    theirs.write_bytes(b"someone's data")
    proc = pewstats("demo", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: pewstats.duckdb exists and was not made by pewstats demo")
    assert theirs.read_bytes() == b"someone's data" and not (tmp_path / ".pewstats").exists()

    workdir = tmp_path / "demo"
    workdir.mkdir()
    (workdir / "database").write_text(f"{theirs}\n")  # as the demo records the file it made
    (tmp_path / "pewstats.duckdb.wal").write_bytes(b"wal")
    assert claim_database(workdir, theirs) is None
    assert not theirs.exists() and not (tmp_path / "pewstats.duckdb.wal").exists()


# ---------------------------------------------------------------------------------------------
# the test command's database (16.4, 16.5 database part)
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def script_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PEWSTATS_TEST_DATABASE", "PGDATABASE")}
    env.update(extra)
    return env


def test_the_test_command_stops_with_what_to_do_when_it_cannot_create_its_database(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.run(["bash", "scripts/test.sh"], cwd=ROOT, env=script_env(PGHOST="127.0.0.1", PGPORT=str(port)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert "== 1/3 pytest" not in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot create database 'pewstats_test_")
    assert f"127.0.0.1:{port}" in lines[0] and "point PGHOST, PGPORT, PGUSER" in lines[0]


@pytest.mark.postgres
def test_the_test_command_drops_the_database_it_created(pg_database: str, tmp_path: Path) -> None:
    # pytest refuses the option at once: the script stops right after creating its database
    env = script_env(PYTEST_ADDOPTS="--no-such-option")
    proc = subprocess.run(["bash", "scripts/test.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    created = [line.split()[3] for line in proc.stdout.splitlines() if line.startswith("== test database ")]
    assert len(created) == 1 and created[0].startswith("pewstats_test_") and "(dropped at exit)" in proc.stdout
    with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), port=int(os.environ.get("PGPORT", "5432")),
                         user=os.environ.get("PGUSER", "postgres"), dbname="postgres") as conn:
        assert conn.execute("select 1 from pg_database where datname = %s", (created[0],)).fetchone() is None


# ---------------------------------------------------------------------------------------------
# lint setup (16.6, 16.7)
# ---------------------------------------------------------------------------------------------


def test_sqlfluff_profiles_dir_is_committed_and_is_the_example_profile() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".sqlfluff")
    profiles = ROOT / config["sqlfluff:templater:dbt"]["profiles_dir"] / "profiles.yml"
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", str(profiles.relative_to(ROOT))], cwd=ROOT,
                             capture_output=True, text=True)
    assert tracked.returncode == 0, f"{profiles} is not committed: a fresh clone could not lint"
    assert profiles.read_bytes() == (ROOT / "profiles.example.yml").read_bytes()


@pytest.mark.slow
def test_sqlfluff_lints_a_model_with_only_committed_files(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    proc = subprocess.run([str(Path(PYTHON).parent / "sqlfluff"), "lint", "models/marts/fights.sql"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS" in proc.stdout or "All Finished" in proc.stdout


def test_generic_tests_are_linted(tmp_path: Path) -> None:
    lint = [PYTHON, str(ROOT / "scripts" / "lint_generic_tests.py")]
    clean = subprocess.run(lint, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    files = len(list((ROOT / "tests" / "generic").glob("*.sql")))
    assert files >= 4 and f"{files} generic test files linted, 0 violations" in clean.stderr
    bad = tmp_path / "matches_parent_column.sql"
    text = (ROOT / "tests" / "generic" / "matches_parent_column.sql").read_text()
    bad.write_text(text.replace("    from child\n", "    FROM child\n"))
    dirty = subprocess.run([*lint, str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert dirty.returncode == 1
    line = text.splitlines().index("    from child") + 1
    assert dirty.stdout.strip() == f"{bad}:{line}:5: CP01 Keywords must be lower case."
