"""Anyone may check the draw: re-run each recorded round from the panel's seed and candidates and
confirm the same experts came out, and list conflicts declared after the draw."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jigai.applications.models import Application
from jigai.audit.choices import Outcome
from jigai.audit.services import audit_record
from jigai.core.permissions import require
from jigai.experts.checks import ACTIVE_STATUSES
from jigai.experts.draw import BATCH_SIZE, _ids, conflicted, draw, load_applicants, load_pool
from jigai.experts.models import Assignment, Panel
from jigai.experts.permissions import can_read_panel


# --- Verification -------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerifyProblem:
    application_id: int
    draw_round: int
    message: str


@dataclass(frozen=True)
class VerifyReport:
    seed: str
    rounds: int
    assignments: int
    problems: list[VerifyProblem]
    #: active assignments whose expert is in conflict by today's data (e.g. a relation recorded or a
    #: conflict declared after the draw): not a fault of the draw, but the officer should replace them
    later_conflicts: list[tuple[int, int]]

    @property
    def reproduced(self) -> bool:
        return not self.problems


def expert_panel_verify(*, actor: Any, panel: Panel) -> VerifyReport:
    """Re-run every round of the panel's draw from its seed and recorded candidates, and confirm the
    same experts were drawn, in the same order, and that they are the experts assigned. Also lists
    assignments still active whose expert is in conflict by today's data. The check is audited."""
    require(can_read_panel(actor), "review.panel.verify")
    drawn: dict[tuple[int, int], list[int]] = defaultdict(list)
    active: list[tuple[int, int]] = []
    rows = (
        Assignment.objects.filter(panel=panel)
        .order_by("application_id", "draw_round", "draw_position")
        .values_list("application_id", "draw_round", "expert_id", "status")
    )
    count = 0
    for application_id, draw_round, expert_id, status in rows:
        drawn[(application_id, draw_round)].append(expert_id)
        count += 1
        if status in ACTIVE_STATUSES:
            active.append((application_id, expert_id))
    problems: list[VerifyProblem] = []
    records = panel.draw_records.values_list("application_id", "draw_round", "candidate_ids", "drawn_ids")
    seen: set[tuple[int, int]] = set()
    for application_id, draw_round, candidate_text, drawn_text in records.iterator(chunk_size=BATCH_SIZE):
        key = (application_id, draw_round)
        seen.add(key)
        candidates, recorded = _ids(candidate_text), _ids(drawn_text)
        if candidates != sorted(set(candidates)):
            problems.append(
                VerifyProblem(application_id, draw_round, _("候选名单不是按编号升序的不重复名单。"))
            )
            continue
        again = draw(panel.seed, application_id, draw_round, candidates, len(recorded)) if recorded else []
        if again != recorded:
            problems.append(
                VerifyProblem(
                    application_id,
                    draw_round,
                    _("按随机种子重新抽取得到 %(a)s，记录为 %(r)s。") % {"a": again, "r": recorded},
                )
            )
        elif drawn.get(key, []) != recorded:
            problems.append(
                VerifyProblem(
                    application_id,
                    draw_round,
                    _("抽取记录为 %(r)s，实际任务为 %(t)s。") % {"r": recorded, "t": drawn.get(key, [])},
                )
            )
    for key in sorted(set(drawn) - seen):
        problems.append(VerifyProblem(key[0], key[1], _("评审任务没有对应的抽取记录。")))
    pool = load_pool()
    applicants = load_applicants(
        Application.objects.filter(pk__in=panel.assignments.values("application_id"))
    )
    later = [
        (application_id, expert_id)
        for application_id, expert_id in active
        if application_id in applicants and expert_id in conflicted(pool, applicants[application_id])
    ]
    report = VerifyReport(panel.seed, len(seen), count, problems, later)
    audit_record(
        actor=actor,
        action="review.panel.verify",
        obj=panel,
        outcome=Outcome.SUCCESS if report.reproduced else Outcome.FAILURE,
        message=_("复核 %(r)d 轮抽取：%(result)s；现存利益冲突 %(c)d 项。")
        % {
            "r": report.rounds,
            "result": _("全部可由随机种子重现")
            if report.reproduced
            else _("%(n)d 处不一致") % {"n": len(problems)},
            "c": len(later),
        },
    )
    return report
