"""The dbt sources, staging views and their YAML are generated from the raw table definition
(loader/formats/tables.py): the committed files are exactly what it generates, and the views
keep the flat form (one select, no CTE) that lets PostgreSQL read changed matches by index."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from loader.formats import staging, tables

ROOT = Path(__file__).resolve().parents[2]


def test_committed_staging_files_are_what_the_definition_generates() -> None:
    differ = staging.stale(ROOT)
    assert not differ, f"regenerate with `python -m loader.formats.staging --write`: {[str(p) for p in differ]}"


def test_the_check_finds_an_edited_a_missing_and_a_foreign_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "models" / "staging", project / "models" / "staging")
    assert staging.stale(project) == []
    view = project / "models" / "staging" / "telemetry" / "stg_telemetry__player_take_damage.sql"
    view.write_text(view.read_text().replace("damage,", "damage as damage_dealt,"))
    sources = project / "models" / "staging" / "pubg_api" / "_pubg_api__sources.yml"
    sources.unlink()
    foreign = project / "models" / "staging" / "loader" / "stg_loader__by_hand.sql"
    foreign.write_text("select 1 as one\n")
    assert staging.stale(project) == sorted(p.relative_to(project) for p in (view, sources, foreign))
    assert set(staging.write(project)) == {view.relative_to(project), sources.relative_to(project)}
    assert staging.stale(project) == [foreign.relative_to(project)]


def test_check_command_exit_codes() -> None:
    proc = subprocess.run([sys.executable, "-m", "loader.formats.staging"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_views_are_flat_selects_of_every_raw_column() -> None:
    for table in tables.ALL_TABLES:
        text = staging.staging_view(table)
        body = re.sub(r"\{#-.*?-#\}", "", text, flags=re.S)
        assert re.search(r"\bwith\b", body, flags=re.I) is None, table.name
        assert len(re.findall(r"\bselect\b", body)) == 1, table.name
        assert f"from {{{{ source('{table.source}', '{table.name}') }}}}" in body
        for column in table.columns:
            assert re.search(rf"\b{column.name}\b", body), (table.name, column.name)
            assert re.search(rf"\b{column.staged_name},?\n", body), (table.name, column.staged_name)


def test_units_are_converted_where_the_definition_says() -> None:
    view = staging.staging_view(tables.KILL_V2)
    assert "killer__location__x / 100.0 as killer_x_m" in view
    assert "when killerdamageinfo__distance >= 0 then cast(killerdamageinfo__distance * 0.01 as numeric(20, 8))" in view
    groggy = staging.staging_view(tables.MAKE_GROGGY)
    assert "end as distance_m," in groggy and "damagereason as damage_reason," in groggy
