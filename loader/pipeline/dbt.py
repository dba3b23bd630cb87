"""Running dbt on this project from Python (dbt's programmatic runner)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from loader.config import Settings, project_dir


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
