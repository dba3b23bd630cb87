"""Running dbt on this project from Python (dbt's programmatic runner)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Mapping

from loader.config import Settings, project_dir
from loader.errors import InfrastructureError


# What dbt does unless the user set the variable: no anonymous usage statistics sent to dbt
# Labs, no require-dbt-version check (the project declares none; pyproject.toml pins
# dbt-core), no colour codes in the log file. Set a variable to true to turn it back on.
DBT_ENV_DEFAULTS = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DBT_USE_COLORS_FILE": "false",
}

# dbt's own top-level options that take no project: passed to dbt as they are
TOP_LEVEL_ONLY = frozenset({"--version", "-V", "-v", "--help", "-h"})


def profiles_dir() -> Path:
    """Where dbt finds the ``pewstats`` profile.

    ``DBT_PROFILES_DIR`` if set; else a ``profiles.yml`` in the project; else
    ``~/.dbt/profiles.yml`` if it defines ``pewstats``; else the committed ``profiles/``
    directory, whose ``profiles.yml`` is ``profiles.example.yml`` (a symbolic link: it reads
    everything from the environment).
    """
    env = os.environ.get("DBT_PROFILES_DIR")
    if env:
        return Path(env)
    project = project_dir()
    if (project / "profiles.yml").exists():
        return project
    home = Path.home() / ".dbt" / "profiles.yml"
    if home.exists() and "pewstats:" in home.read_text(errors="replace"):
        return home.parent
    return project / "profiles"


def dbt_env_defaults(environ: Mapping[str, str], interactive: bool) -> dict[str, str]:
    """The variables to add before dbt runs: ``DBT_ENV_DEFAULTS`` and, when dbt's output is
    not a terminal, ``DBT_USE_COLORS=false``; never one the user set."""
    wanted = dict(DBT_ENV_DEFAULTS)
    if not interactive:
        wanted["DBT_USE_COLORS"] = "false"
    return {k: v for k, v in wanted.items() if k not in environ}


def _prepare_environment() -> None:
    os.environ.update(dbt_env_defaults(os.environ, interactive=sys.stdout.isatty()))


def invoke_plain(args: list[str]):  # -> dbtRunnerResult
    """``dbt <args>`` exactly as given (``--version``, ``--help``, nothing): no project, no profile."""
    from dbt.cli.main import dbtRunner

    _prepare_environment()
    return dbtRunner().invoke(list(args))


def invoke(args: list[str], settings: Settings):  # -> dbtRunnerResult
    """Run ``dbt <args>`` against the target in ``settings``; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    _prepare_environment()
    os.environ.update(settings.dbt_env())
    project = project_dir()
    full = list(args)
    if "--project-dir" not in full:
        full += ["--project-dir", str(project)]
    if "--profiles-dir" not in full:
        full += ["--profiles-dir", str(profiles_dir())]
    if "--target" not in full and "-t" not in full and args and args[0] not in ("deps", "clean"):
        full += ["--target", settings.target]
    return dbtRunner().invoke(full)


def dbt_build(
    settings: Settings, full_refresh: bool, select: str | None = None, quiet: bool = False, full_tests: bool = False
) -> dict[str, Any]:
    """Run ``dbt build``; count what failed. Raises InfrastructureError when dbt cannot run at all.

    An incremental build (neither ``full_refresh`` nor ``full_tests``) is the cron job's: its
    data tests read the rows it rebuilt (macros/scoped_tests.sql) and the unit tests, which
    check the models' logic on fixed inputs and give the same answer on every run of the same
    code, are left to CI (``--exclude-resource-type unit_test``). ``full_tests`` (the nightly
    check) runs every data test on whole tables and the unit tests; ``full_refresh`` (the
    backfill) reads whole tables anyway and runs the unit tests too.
    """
    args = ["build"]
    if quiet:  # errors only (the demo prints its own summary)
        args.append("--quiet")
    if full_refresh:
        args.append("--full-refresh")
    if full_tests:
        args += ["--vars", "{full_tests: true}"]
    if not (full_refresh or full_tests):
        args += ["--exclude-resource-type", "unit_test"]
    if select:
        args += ["--select", select]
    res = invoke(args, settings)
    out: dict[str, Any] = {
        "success": bool(res.success), "nodes": 0, "tests_failed": 0, "models_failed": 0, "warnings": 0, "unit_tests": 0,
        "errors": [],  # the messages of the nodes that errored (loader.pipeline.run tells infrastructure from them)
    }
    if res.exception is not None:
        raise InfrastructureError(f"dbt could not run: {' '.join(str(res.exception).split())[:500]}")
    for node_result in getattr(res.result, "results", []) or []:
        out["nodes"] += 1
        status = str(node_result.status).lower()
        resource = node_result.node.resource_type
        resource = getattr(resource, "value", resource)
        out["unit_tests"] += resource == "unit_test"
        if status in ("fail", "error") and resource in ("test", "unit_test"):
            out["tests_failed"] += 1
        elif status == "error":
            out["models_failed"] += 1
        if status == "error":
            out["errors"].append(str(getattr(node_result, "message", "") or ""))
        elif status == "warn":
            out["warnings"] += 1
    return out
