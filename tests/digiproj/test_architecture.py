"""The house's rules, read from the source: which app may import which, how long a module and a
view may grow. docs/architecture.md explains them; this file is the one that keeps them.

Run `.venv/bin/pytest tests/digiproj/test_architecture.py` to list what breaks a rule."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The apps, bottom to top. An app may import itself and the apps listed for it, nothing else.
# Core knows no app; surveys and activities are siblings that never know each other; goals sits
# on what it measures; reporting reads everything and nothing reads reporting; demo seeds it all.
ALLOWED: dict[str, frozenset[str]] = {
    "digiproj": frozenset(),
    "participants": frozenset({"digiproj"}),
    "surveys": frozenset({"digiproj", "participants"}),
    "activities": frozenset({"digiproj", "participants"}),
    "goals": frozenset({"digiproj", "participants", "surveys", "activities"}),
    "reporting": frozenset({"digiproj", "participants", "surveys", "activities", "goals"}),
    "demo": frozenset({"digiproj", "participants", "surveys", "activities", "goals"}),
}
APPS = frozenset(ALLOWED)

# The composition root: the URL map and the start pages (home, project dashboard) read every
# app. It is the only core code that may, and nothing imports it.
COMPOSITION_ROOT = frozenset({"digiproj/urls.py", "digiproj/views.py"})

MODULE_MAX_LINES = 500
VIEW_MAX_LINES = 25


def _sources() -> Iterator[tuple[str, Path]]:
    """(path relative to the repository, file) of every app module, migrations left out."""
    for app in sorted(APPS):
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path


def _imported_apps(path: Path, relative: str) -> Iterator[tuple[int, str]]:
    """(line, app) of every absolute import of an app, function-local ones included (a
    relative import stays inside its own app)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                yield node.lineno, top


def import_violations() -> list[str]:
    found = []
    for relative, path in _sources():
        app = relative.split("/")[0]
        allowed = ALLOWED[app] | {app}
        if relative in COMPOSITION_ROOT:
            allowed = APPS - {"demo"}
        for line, imported in _imported_apps(path, relative):
            if imported not in allowed:
                found.append(f"{relative}:{line}: {app} imports {imported}")
    return found


@dataclass(frozen=True)
class Long:
    where: str
    lines: int

    def __str__(self) -> str:
        return f"{self.where}: {self.lines} lines"


def long_modules() -> list[Long]:
    found = []
    for relative, path in _sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_MAX_LINES:
            found.append(Long(relative, lines))
    return found


def _is_view_module(relative: str) -> bool:
    parts = relative.split("/")
    return parts[-1] == "views.py" or parts[-1].startswith("views_") or "views" in parts[:-1]


def long_views() -> list[Long]:
    """Public functions of view modules, from the `def` line to the last, docstring included."""
    found = []
    for relative, path in _sources():
        if not _is_view_module(relative):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > VIEW_MAX_LINES:
                    found.append(Long(f"{relative}:{node.lineno} {node.name}", lines))
    return found


def test_apps_import_only_downwards():
    found = import_violations()
    assert not found, "imports against the direction:\n" + "\n".join(found)


def test_the_rules_catch_a_forbidden_import(tmp_path):
    """The walker sees a function-local import and maps it to its app (so the rule can fail)."""
    module = tmp_path / "sample.py"
    module.write_text("def f():\n    from reporting import reports\n    import surveys.models\n")
    assert list(_imported_apps(module, "activities/sample.py")) == [
        (2, "reporting"),
        (3, "surveys"),
    ]


def test_no_module_over_the_limit():
    found = [str(m) for m in long_modules()]
    assert not found, f"modules over {MODULE_MAX_LINES} lines:\n" + "\n".join(found)


def test_no_view_over_the_limit():
    found = [str(v) for v in long_views()]
    assert not found, f"views over {VIEW_MAX_LINES} lines:\n" + "\n".join(found)
