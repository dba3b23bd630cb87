"""The package's imports run one way: cli -> pipeline -> (formats, detection, landing) ->
(rules, config, errors, exitcodes). Landing may read the raw table definition in formats;
formats and detection are pure (no database, no pipeline). Imports inside functions count."""

from __future__ import annotations

import ast
from pathlib import Path

LOADER = Path(__file__).resolve().parents[2] / "loader"

BASE = {"loader", "loader.rules", "loader.config", "loader.errors", "loader.exitcodes"}
# what each part may import besides itself and BASE
ALLOWED = {
    "cli": {"pipeline", "formats", "detection", "landing", "synth"},
    "pipeline": {"formats", "detection", "landing", "synth"},
    "landing": {"formats"},
    "formats": set(),
    "detection": set(),
    "base": set(),
}


def part(module: str) -> str:
    if module in BASE:
        return "base"
    return module.split(".")[1]


def loader_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "loader")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "loader":
            found.add(node.module)
            if node.module == "loader":
                found.update(f"loader.{a.name}" for a in node.names)
    return found


def module_name(path: Path) -> str:
    rel = path.relative_to(LOADER.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_imports_run_one_way() -> None:
    wrong = []
    for path in sorted(LOADER.rglob("*.py")):
        name = module_name(path)
        if name == "loader.__main__" or name.startswith("loader.synth"):
            continue  # the entry point; the synthetic generator (not product code)
        mine = part(name)
        for imported in loader_imports(path):
            theirs = part(imported)
            if theirs not in ALLOWED[mine] | {mine, "base"}:
                wrong.append(f"{name} imports {imported}")
    assert not wrong, wrong


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from loader.pipeline.load import load_files\n    import loader.landing.base\n")
    assert loader_imports(source) == {"loader.pipeline.load", "loader.landing.base"}
