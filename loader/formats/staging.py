"""The dbt face of the raw tables, generated from their definition (``loader.formats.tables``).

For each dbt source: ``models/staging/<source>/_<source>__sources.yml`` (the raw tables and
their columns), one staging view per raw table ``stg_<source>__<entity>.sql`` and
``_<source>__models.yml`` (the staged columns). The views are one flat ``select`` from the
source with no CTE: PostgreSQL plans a view that has a ``WITH`` clause on its own and never
pushes a join condition into it, so a model joining "the changed matches" to a CTE-style
view scanned every raw row where the flat view reads them through the ``match_id`` index.

The files are committed; ``tests/python/test_generated_files.py`` fails when they differ
from what this module generates. After changing a table definition::

    python -m loader.formats.staging --write     # rewrite the files
    python -m loader.formats.staging             # check only (exit 1 and the names if stale)
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from loader.formats.columns import IDENTITY, Column, Table
from loader.formats.tables import ALL_TABLES

STAGING_DIR = Path("models") / "staging"

GENERATED = (
    "Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:"
    " change the definition, not this file."
)
WHY_FLAT = (
    "One select, no CTE: PostgreSQL plans a view with a WITH clause on its own, so the joins of"
    " the models that read it could not reach the raw tables' indexes."
)
VIEW_HEADER = "{#- " + textwrap.fill(f"{GENERATED} {WHY_FLAT}", width=92, subsequent_indent="    ") + " -#}\n"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _select_item(column: Column) -> str:
    expression = column.transform.expression(column.name)
    if expression == column.staged_name:
        return expression
    return f"{expression} as {column.staged_name}"


def staging_view(table: Table) -> str:
    items = ",\n".join(f"    {_select_item(c)}" for c in table.columns)
    return f"{VIEW_HEADER}\nselect\n{items}\nfrom {{{{ source('{table.source}', '{table.name}') }}}}\n"


def sources_yaml(source: str, tables: list[Table]) -> str:
    lines = [
        f"# {GENERATED}",
        "version: 2",
        "",
        "sources:",
        f"  - name: {source}",
        f"    description: Raw tables landed by `pewstats load` ({source}).",
        "    schema: \"{{ env_var('PEWSTATS_RAW_SCHEMA', 'raw') }}\"",
        "    config:",
        "      loaded_at_field: loaded_at",
        "      freshness:",
        "        warn_after: {count: 24, period: hour}",
        "        error_after: {count: 72, period: hour}",
        "    tables:",
    ]
    for table in tables:
        lines += [f"      - name: {table.name}", f"        description: {_quoted(table.doc)}", "        columns:"]
        for c in table.columns:
            lines += [f"          - name: {c.name}", f"            description: {_quoted(c.raw_description)}"]
    return "\n".join(lines) + "\n"


def models_yaml(tables: list[Table]) -> str:
    lines = [f"# {GENERATED}", "version: 2", "", "models:"]
    for table in tables:
        description = f"{table.doc} {_what_staging_does(table)}; nothing filtered."
        lines += [f"  - name: {table.model}", f"    description: {_quoted(description)}", "    columns:"]
        for c in table.columns:
            lines += [f"      - name: {c.staged_name}", f"        description: {_quoted(c.doc)}"]
    return "\n".join(lines) + "\n"


def _what_staging_does(table: Table) -> str:
    if any(c.transform is not IDENTITY for c in table.columns):
        return "Renamed, cast and converted to metres"
    if any(c.staged_name != c.name for c in table.columns):
        return "Renamed"
    return "The raw columns as they are"


def render(tables: tuple[Table, ...] = ALL_TABLES) -> dict[Path, str]:
    """Every generated file (path relative to the project) and its text."""
    by_source: dict[str, list[Table]] = {}
    for table in tables:
        by_source.setdefault(table.source, []).append(table)
    files: dict[Path, str] = {}
    for source, items in by_source.items():
        folder = STAGING_DIR / source
        for table in items:
            files[folder / f"{table.model}.sql"] = staging_view(table)
        files[folder / f"_{source}__sources.yml"] = sources_yaml(source, items)
        files[folder / f"_{source}__models.yml"] = models_yaml(items)
    return files


def stale(project: Path) -> list[Path]:
    """Generated files whose committed text differs from the definition's (or that are missing),
    and files in the staging folders that the definition does not generate."""
    files = render()
    out = [p for p, text in files.items() if not (project / p).is_file() or (project / p).read_text() != text]
    for folder in {p.parent for p in files}:
        for path in sorted((project / folder).glob("*")):
            if path.is_file() and path.relative_to(project) not in files:
                out.append(path.relative_to(project))
    return sorted(out)


def write(project: Path) -> list[Path]:
    """Rewrite every generated file that differs; returns those written."""
    written = []
    for path, text in render().items():
        target = project / path
        if not target.is_file() or target.read_text() != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from loader.config import project_dir

    parser = argparse.ArgumentParser(description="Generate the dbt sources and staging views from the raw tables.")
    parser.add_argument("--write", action="store_true", help="rewrite the files that differ (default: check only)")
    args = parser.parse_args(argv)
    project = project_dir()
    if args.write:
        for path in write(project):
            print(f"wrote {path}")
    differ = stale(project)
    for path in differ:
        print(f"differs from the definition: {path}", file=sys.stderr)
    if differ:
        print("run: python -m loader.formats.staging --write", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
