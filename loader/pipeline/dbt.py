"""Running dbt on this project from Python (dbt's programmatic runner)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from loader.config import Settings, project_dir
from loader.errors import InfrastructureError


def profiles_dir() -> Path:
    """Where dbt finds the ``pewstats`` profile.

    ``DBT_PROFILES_DIR`` if set; else a ``profiles.yml`` in the project; else
    ``~/.dbt/profiles.yml`` if it defines ``pewstats``; else a copy of
    ``profiles.example.yml`` under ``.pewstats/`` (it reads everything from the environment).
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
    generated = project / ".pewstats"
    generated.mkdir(exist_ok=True)
    target = generated / "profiles.yml"
    source = project / "profiles.example.yml"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)
    return generated


def invoke(args: list[str], settings: Settings):  # -> dbtRunnerResult
    """Run ``dbt <args>`` against the target in ``settings``; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

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


def dbt_build(settings: Settings, full_refresh: bool, select: str | None = None, quiet: bool = False) -> dict[str, Any]:
    """Run ``dbt build``; count what failed. Raises InfrastructureError when dbt cannot run at all."""
    args = ["build"]
    if quiet:  # errors only (the demo prints its own summary)
        args.append("--quiet")
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    res = invoke(args, settings)
    out: dict[str, Any] = {
        "success": bool(res.success), "nodes": 0, "tests_failed": 0, "models_failed": 0, "warnings": 0,
        "errors": [],  # the messages of the nodes that errored (loader.pipeline.run tells infrastructure from them)
    }
    if res.exception is not None:
        raise InfrastructureError(f"dbt could not run: {' '.join(str(res.exception).split())[:500]}")
    for node_result in getattr(res.result, "results", []) or []:
        out["nodes"] += 1
        status = str(node_result.status).lower()
        resource = node_result.node.resource_type
        resource = getattr(resource, "value", resource)
        if status in ("fail", "error") and resource in ("test", "unit_test"):
            out["tests_failed"] += 1
        elif status == "error":
            out["models_failed"] += 1
        if status == "error":
            out["errors"].append(str(getattr(node_result, "message", "") or ""))
        elif status == "warn":
            out["warnings"] += 1
    return out
