"""No app imports an app of a higher layer (docs/architecture.md, "Layers").

The apps are stacked in the order the application moves through them; an app may import its own
layer and the layers below, never one above. A later stage adds what it needs to a lower app
through that app's registries (the workflow table, to-dos, the expert scope), from its
``AppConfig.ready``. The check reads the source (every ``import`` and ``from … import``, including
those inside functions), so it cannot be passed by importing late.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jigai

#: lowest first; apps of one layer may import each other
LAYERS: tuple[frozenset[str], ...] = (
    # notifications is the base's: accounts tells a user its sign-in was locked
    frozenset({"core", "reference", "accounts", "audit", "notifications"}),
    frozenset({"workdays"}),
    frozenset({"enterprises"}),
    frozenset({"catalog", "calls"}),
    frozenset({"applications"}),
    frozenset({"recommendations"}),
    frozenset({"experts"}),
    frozenset({"decisions"}),
    frozenset({"funds"}),
    # the demo data, the browser tests and the review app's old migrations sit above everything
    frozenset({"demo", "e2e", "review"}),
)

#: imports that break the order today, each with the reason it is tolerated; remove a line when its
#: import goes. (module path, imported app)
KNOWN: frozenset[tuple[str, str]] = frozenset(
    {
        # credit-code exceptions are managed on the reference pages but belong to enterprises
        ("jigai/reference/selectors.py", "enterprises"),
        ("jigai/reference/api.py", "enterprises"),
        ("jigai/reference/views.py", "enterprises"),
    }
)

ROOT = Path(jigai.__file__).resolve().parent


def layer_of(app: str) -> int:
    for index, apps in enumerate(LAYERS):
        if app in apps:
            return index
    raise AssertionError(f"app {app!r} has no layer: add it to LAYERS in {__file__}")


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "jigai" and len(parts) > 1 and (ROOT / parts[1]).is_dir():
                found.add(parts[1])
    return found


def production_modules() -> list[Path]:
    """Every module of every app but its tests and test helpers (a test may set up data of any
    app) and its migrations (the review app's old ones name its moved models)."""
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or {"tests", "testing", "migrations"} & set(parts):
            continue
        modules.append(path)
    return modules


def upward_imports() -> list[str]:
    problems = []
    for path in production_modules():
        relative = path.relative_to(ROOT.parent).as_posix()
        app = path.relative_to(ROOT).parts[0]
        for other in imported_apps(path):
            if other == app or (relative, other) in KNOWN:
                continue
            if layer_of(other) > layer_of(app):
                problems.append(f"{relative} ({app}) imports {other}")
    return problems


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for app in apps - {"templates", "static"}:
        layer_of(app)


def test_no_app_imports_a_higher_one() -> None:
    problems = upward_imports()
    assert not problems, "lower apps import higher ones:\n" + "\n".join(problems)


def test_the_known_exceptions_still_exist() -> None:
    """A tolerated import that is gone must leave the list, so the list only shrinks."""
    for relative, other in KNOWN:
        assert other in imported_apps(ROOT.parent / relative), (relative, other)


def test_the_check_notices_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from jigai.decisions.models import Decision\n", encoding="utf-8")
    assert imported_apps(module) == {"decisions"}
    assert layer_of("decisions") > layer_of("applications")
