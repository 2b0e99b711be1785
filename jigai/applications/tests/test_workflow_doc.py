"""docs/workflows.md shows the workflow table and diagram the code has (jigai.applications.workflow_doc)."""

from __future__ import annotations

from pathlib import Path

from jigai.applications import workflow, workflow_doc

FIX = "run `python manage.py workflow_doc --write` and commit docs/workflows.md"


def test_the_document_has_every_generated_block() -> None:
    found = workflow_doc.blocks_in(workflow_doc.DOC_PATH.read_text(encoding="utf-8"))
    assert set(workflow_doc.BLOCKS) <= set(found)


def test_the_document_and_the_code_agree() -> None:
    stale = workflow_doc.stale_blocks()
    assert not stale, f"docs/workflows.md differs from TRANSITIONS in: {stale}; {FIX}"


def test_every_transition_is_a_row_and_an_arrow() -> None:
    generated = workflow_doc.render()
    for transition in workflow.transitions():
        assert f"| `{transition.action}` |" in generated["transitions"]
        for source in transition.sources:
            assert f"    {source} --> {transition.target} : {transition.action}" in generated["diagram"]


def test_a_changed_table_is_noticed(tmp_path: Path) -> None:
    doc = tmp_path / "workflows.md"
    text = workflow_doc.DOC_PATH.read_text(encoding="utf-8")
    doc.write_text(text.replace("| `district_start` |", "| `district_begin` |"), encoding="utf-8")
    assert workflow_doc.stale_blocks(doc) == ["transitions"]
    assert workflow_doc.write(doc) == ["transitions"]
    assert workflow_doc.stale_blocks(doc) == []
    assert doc.read_text(encoding="utf-8") == text
