"""The application workflow's table and diagram in docs/workflows.md, generated from
:func:`jigai.applications.workflow.transitions` (the whole composed table) so that the document
cannot drift from the code.

``python manage.py workflow_doc --write`` rewrites the generated blocks (between the
``<!-- BEGIN GENERATED: … -->`` and ``<!-- END GENERATED: … -->`` markers); the test
``jigai/review/tests/test_workflow_doc.py`` fails when they differ from what the code gives.
Everything outside the markers is written by hand.

The text is in Chinese (the labels of the code), whatever the language of the process.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from jigai.accounts.choices import Role
from jigai.applications import workflow
from jigai.applications.choices import ApplicationStatus

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "workflows.md"
BLOCKS = ("transitions", "functions", "diagram")
_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)", re.S
)


def _status(value: str) -> str:
    return f"`{value}` {ApplicationStatus(value).label}"


def _order(statuses: Iterable[str]) -> list[str]:
    index = {value: n for n, value in enumerate(ApplicationStatus.values)}
    return sorted(statuses, key=lambda s: index.get(s, 99))


def _names(functions: Iterable[Callable[..., Any]]) -> str:
    return "<br>".join(f"`{f.__name__}`" for f in functions) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_transitions() -> str:
    """One row per transition: action, label, from, to, who, guards, comment required, checks,
    what is recorded (the history row and audit event every transition writes, plus its effects)
    and who is told."""
    lines = [
        "| 操作 | 名称 | 从 | 到 | 谁 | 附加条件 | 须填意见 | 检查 | 记录 | 通知 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in workflow.transitions():
        sources = "<br>".join(_status(s) for s in _order(t.sources))
        roles = "、".join(str(Role(r).label) for r in sorted(t.roles))
        recorded = [f"历史 + 审计 `application.{t.action}`", *(f"`{e.__name__}`" for e in t.effects)]
        cells = [
            f"`{t.action}`",
            str(t.label),
            sources,
            _status(t.target),
            roles,
            _names(t.guards),
            "是" if t.comment_required else "否",
            _names(t.checks),
            "<br>".join(recorded),
            _names(t.notify),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _first_line(function: Callable[..., Any]) -> str:
    doc = inspect.getdoc(function) or ""
    paragraph = doc.split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def render_functions() -> str:
    """The guards, checks and effects named in the table, each with the first paragraph of its
    docstring and its module."""
    seen: dict[str, Callable[..., Any]] = {}
    for t in workflow.transitions():
        functions: tuple[Callable[..., Any], ...] = (*t.guards, *t.checks, *t.effects, *t.notify)
        for function in functions:
            seen.setdefault(f"{function.__module__}.{function.__name__}", function)
    lines = ["| 函数 | 所在模块 | 说明 |", "|---|---|---|"]
    for key in sorted(seen, key=lambda k: (seen[k].__name__, k)):
        function = seen[key]
        summary = _cell(_first_line(function)) or "—"
        lines.append(f"| `{function.__name__}` | `{function.__module__}` | {summary} |")
    return "\n".join(lines) + "\n"


def render_diagram() -> str:
    """A mermaid stateDiagram-v2: one arrow per (source, transition), labelled with the action."""
    used = {ApplicationStatus.DRAFT.value}
    for t in workflow.transitions():
        used |= set(t.sources) | {t.target}
    lines = ["```mermaid", "stateDiagram-v2"]
    for state in _order(used):
        lines.append(f"    {state} : {ApplicationStatus(state).label}")
    lines.append("    [*] --> draft : create")
    outgoing: set[str] = set()
    for t in workflow.transitions():
        for source in _order(t.sources):
            outgoing.add(source)
            lines.append(f"    {source} --> {t.target} : {t.action}")
    for state in _order(used - outgoing):
        lines.append(f"    {state} --> [*]")
    lines.append("```")
    return "\n".join(lines) + "\n"


def render() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {
            "transitions": render_transitions(),
            "functions": render_functions(),
            "diagram": render_diagram(),
        }


def blocks_in(text: str) -> dict[str, str]:
    return {m.group("name"): m.group("body") for m in _BLOCK.finditer(text)}


def rewrite(text: str, generated: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        body = generated.get(name, match.group("body"))
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, text)


def stale_blocks(path: Path = DOC_PATH) -> list[str]:
    """The generated blocks of the document that differ from the code (or are missing)."""
    found = blocks_in(path.read_text(encoding="utf-8"))
    generated = render()
    return [name for name in BLOCKS if found.get(name) != generated[name]]


def write(path: Path = DOC_PATH) -> list[str]:
    """Rewrite the stale blocks; returns their names."""
    stale = stale_blocks(path)
    if stale:
        path.write_text(rewrite(path.read_text(encoding="utf-8"), render()), encoding="utf-8")
    return stale
