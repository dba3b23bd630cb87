"""Lint the generic data tests (tests/generic/*.sql) with sqlfluff, which skips them otherwise.

sqlfluff never lints the inside of a `{% test %}` or `{% macro %}` block: with the dbt
templater it skips a file that only defines one ("Skipped file ... because it is a macro"),
and with the jinja templater the block renders to nothing. A generic test's body is a whole
query, so this script lints it as the query it becomes: the `{% test name(args) %}` and
`{% endtest %}` tags are removed (the lines stay, so line numbers are the file's) and the
body goes through sqlfluff's jinja templater with the project's `.sqlfluff` rules, each
argument given the value of a real use in the project (SAMPLE_ARGS) as template context.

    python scripts/lint_generic_tests.py [FILE...]     # default: tests/generic/*.sql

Exit 0 when clean, 1 with one `path:line:col: CODE message` line per violation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# each generic test's arguments, as one of its uses in the models' YAML passes them
SAMPLE_ARGS: dict[str, dict[str, Any]] = {
    "unique_combination_of_columns": {"model": "fight_participants", "combination_of_columns": ["fight_id", "account_id"]},
    "composite_relationships": {"model": "fight_participants", "columns": ["fight_id", "team_id"], "to": "fight_teams"},
    "min_distinct_children": {
        "model": "fights", "column_name": "fight_id", "to": "fight_teams", "field": "fight_id",
        "child_column": "team_id", "min_count": 2,
    },
    "holds_for_every_row": {"model": "player_profiles", "condition": "kills >= 0", "column_name": None},
    "matches_parent_column": {
        "model": "fight_participants", "column_name": "match_id", "to": "fights", "key": "fight_id",
        "parent_column": "match_id",
    },
}

TEST_TAG = re.compile(r"\{%-?\s*test\s+(\w+)\s*\(([^)]*)\)\s*-?%\}")
END_TAG = re.compile(r"\n*\{%-?\s*endtest\s*-?%\}")


def as_query(text: str, path: Path) -> tuple[str, dict[str, Any]]:
    """The file's one `{% test %}` block opened as a plain template, and its sample arguments."""
    tags = TEST_TAG.findall(text)
    if len(tags) != 1:
        raise SystemExit(f"error: {path}: {len(tags)} {{% test %}} blocks: a generic test file defines one")
    name, signature = tags[0]
    params = [p.split("=")[0].strip() for p in signature.split(",") if p.strip()]
    args = SAMPLE_ARGS.get(name, {})
    missing = [p for p in params if p not in args]
    if missing:
        raise SystemExit(f"error: {path}: no sample value for {', '.join(missing)} of test {name!r}: add it to SAMPLE_ARGS")
    return END_TAG.sub("", TEST_TAG.sub("", text)), {p: args[p] for p in params}


def lint(paths: list[Path]) -> list[str]:
    from sqlfluff.core import FluffConfig, Linter

    problems: list[str] = []
    for path in paths:
        query, args = as_query(path.read_text(encoding="utf-8"), path)
        config = FluffConfig.from_path(str(ROOT), overrides={"templater": "jinja", "dialect": "postgres"})
        for name, value in args.items():
            config.set_value(["templater", "jinja", "context", name], repr(value))
        linted = Linter(config=config).lint_string(query, fname=str(path))
        for v in linted.get_violations():
            problems.append(f"{path}:{v.line_no}:{v.line_pos}: {v.rule_code()} {v.desc()}")
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "tests" / "generic").glob("*.sql"))
    problems = lint(paths)
    for line in problems:
        print(line)
    print(f"{len(paths)} generic test files linted, {len(problems)} violations", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
