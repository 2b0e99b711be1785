"""Declaration, scoring, aggregation, closing, reminders and replacements (services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from jigai.applications.selectors import application_scope
from jigai.applications.services import application_transition
from jigai.audit.models import AuditEvent
from jigai.core.permissions import NotNow, PermissionRefused
from jigai.decisions.models import Decision
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.draw import expert_panel_draw
from jigai.experts.models import Assignment, DrawRecord, Panel, Score
from jigai.experts.reminders import expert_assignment_replace, expert_remind, expert_reminders_send
from jigai.experts.scoring import (
    ScoreInput,
    aggregate_totals,
    expert_assignment_declare,
    expert_panel_close,
    expert_scores_aggregate,
    expert_scores_submit,
)
from jigai.experts.selectors import scores_visible
from jigai.experts.tests.experts_fixtures import (
    assignment_for,
    deadline,
    expert,
    full_scores,
    in_expert_review,
    officer,
    pool,
    review_call,
)
from jigai.notifications.models import Notification

pytestmark = pytest.mark.django_db


def submit(assignment, scores=None, opinion="25000000", comment="建议支持。"):
    return expert_scores_submit(
        actor=assignment.expert.user,
        assignment=assignment,
        scores=scores or full_scores(),
        investment_opinion=opinion,
        overall_comment=comment,
    )


def accepted(application=None, **kwargs):
    application = application or in_expert_review(review_call())
    return assignment_for(expert(**kwargs), application, status=AssignmentStatus.ACCEPTED)


# --- declaration ------------------------------------------------------------------------------
def test_declaring_no_conflict_opens_the_application():
    call = review_call()
    application = in_expert_review(call)
    assignment = assignment_for(expert(), application)
    user = assignment.expert.user
    assert not application_scope(user).filter(pk=application.pk).exists()
    declared = expert_assignment_declare(actor=user, assignment=assignment, no_conflict=True)
    assert declared.status == AssignmentStatus.ACCEPTED and declared.declared_at is not None
    assert application_scope(user).filter(pk=application.pk).exists()
    assert AuditEvent.objects.filter(
        action="review.assignment.declare", object_id=str(assignment.pk)
    ).exists()
    with pytest.raises(NotNow) as refused:
        expert_assignment_declare(actor=user, assignment=declared, no_conflict=True)
    assert "已于" in refused.value.reason and "声明无利益冲突" in refused.value.reason


def test_scoring_before_declaring_is_refused_with_the_reason():
    assignment = assignment_for(expert(), in_expert_review(review_call()))
    with pytest.raises(NotNow) as refused:
        submit(assignment)
    assert (
        refused.value.reason == "请先声明是否与该申报存在利益冲突：声明无利益冲突后才能查看申报材料和评分。"
    )
    assert not Score.objects.exists()


def test_an_expert_cannot_score_an_assignment_of_another_expert():
    assignment = accepted()
    intruder = expert()
    with pytest.raises(PermissionRefused) as refused:
        expert_scores_submit(
            actor=intruder.user,
            assignment=assignment,
            scores=full_scores(),
            investment_opinion="1",
            overall_comment="x",
        )
    assert refused.value.reason == "这不是您的评审任务。"


def test_a_recusal_draws_a_replacement_in_the_next_round():
    call = review_call()
    application = in_expert_review(call)
    pool(7)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assignment = Assignment.objects.filter(application=application).order_by("draw_position").first()
    assert assignment is not None
    with pytest.raises(ValidationError) as refused:
        expert_assignment_declare(actor=assignment.expert.user, assignment=assignment, no_conflict=False)
    assert refused.value.message_dict["reason"] == ["回避须说明理由（与申报单位的关联情况）。"]
    recused = expert_assignment_declare(
        actor=assignment.expert.user, assignment=assignment, no_conflict=False, reason="曾为该企业提供咨询"
    )
    assert recused.status == AssignmentStatus.RECUSED and recused.recusal_reason == "曾为该企业提供咨询"
    replacement = recused.replaced_by
    assert replacement is not None
    assert replacement.draw_round == 2 and replacement.draw_position == 6
    assert replacement.status == AssignmentStatus.DRAWN
    assert (
        Assignment.objects.filter(application=application).exclude(status=AssignmentStatus.RECUSED).count()
        == 5
    )
    record = DrawRecord.objects.get(application=application, draw_round=2)
    assert str(assignment.expert_id) not in record.candidate_ids.split(",")
    assert record.drawn_ids == str(replacement.expert_id)
    assert Notification.objects.filter(user=replacement.expert.user).exists()
    event = AuditEvent.objects.get(action="review.assignment.recuse")
    assert event.changes["replaced_by"]["after"] == replacement.pk
    assert "第 2 轮" in event.message


def test_a_recusal_with_nobody_left_is_recorded_and_the_officers_are_told():
    call = review_call()
    application = in_expert_review(call)
    pool(5)
    officer()
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assignment = Assignment.objects.filter(application=application).first()
    assert assignment is not None
    recused = expert_assignment_declare(
        actor=assignment.expert.user, assignment=assignment, no_conflict=False, reason="亲属在该企业任职"
    )
    assert recused.replaced_by is None
    assert DrawRecord.objects.get(application=application, draw_round=2).drawn_ids == ""
    assert Notification.objects.filter(user=officer(), verb="专家替补不足").exists()


# --- scoring ----------------------------------------------------------------------------------
def test_scores_are_weighted_by_the_rubric():
    assignment = accepted()
    scores = {
        "technical_advancement": ScoreInput("90", "技术领先"),
        "economic_benefit": ScoreInput("80", "效益可观"),
        "implementation_capacity": ScoreInput("70.5", "团队完整"),
        "investment_reasonableness": ScoreInput("60", "设备价格偏高"),
        "catalog_fit": ScoreInput("100", "符合 1.1"),
    }
    scored = submit(assignment, scores, opinion="28000000.00", comment="建议按核减后投资支持。")
    # 90×.30 + 80×.25 + 70.5×.20 + 60×.15 + 100×.10 = 27 + 20 + 14.1 + 9 + 10
    assert scored.total_score == Decimal("80.10")
    assert scored.status == AssignmentStatus.SCORED and scored.scored_at is not None
    assert scored.investment_opinion == Decimal("28000000.00")
    assert (
        dict(scored.scores.values_list("criterion__code", "comment"))["investment_reasonableness"]
        == "设备价格偏高"
    )


def test_bad_scores_are_refused_by_field():
    assignment = accepted(application=in_expert_review(review_call(), total_investment=Decimal("30000000")))
    scores = full_scores()
    scores["technical_advancement"] = ScoreInput("100.5", "x")
    scores["economic_benefit"] = ScoreInput("80.123", "x")
    scores["catalog_fit"] = ScoreInput("50", "  ")
    del scores["implementation_capacity"]
    scores["beauty"] = ScoreInput("10", "x")
    with pytest.raises(ValidationError) as refused:
        submit(assignment, scores, opinion="30000000.01", comment="")
    assert refused.value.message_dict == {
        "scores.technical_advancement": ["“技术先进性”的得分须在 0 至 100 之间，最多两位小数。"],
        "scores.economic_benefit": ["“经济效益”的得分须在 0 至 100 之间，最多两位小数。"],
        "scores.implementation_capacity": ["请为“实施能力”打分。"],
        "scores.catalog_fit.comment": ["请填写“符合支持目录”的评分意见。"],
        "scores": ["评分细则中没有评分项“beauty”。"],
        "investment_opinion": [
            "建议核定总投资须在 0 至申报总投资 30,000,000.00 元之间（单位：元，最多两位小数）。"
        ],
        "overall_comment": ["请填写总体评审意见。"],
    }
    assert not Score.objects.exists()


def test_rescoring_before_the_close_is_audited_with_before_and_after():
    assignment = accepted()
    submit(assignment, full_scores("80"))
    submit(assignment, full_scores("70"), comment="复核后下调。")
    assignment.refresh_from_db()
    assert assignment.total_score == Decimal("70.00")
    assert set(Score.objects.filter(assignment=assignment).values_list("score", flat=True)) == {Decimal("70")}
    event = AuditEvent.objects.get(action="review.assignment.rescore")
    assert event.changes["total_score"] == {"before": "80.00", "after": "70.00"}
    assert event.changes["scores"]["before"]["catalog_fit"] == "80.00"
    assert event.changes["scores"]["after"]["catalog_fit"] == "70.00"
    assert event.changes["overall_comment"] == {"before": "建议支持。", "after": "复核后下调。"}


# --- aggregation ------------------------------------------------------------------------------
def test_five_scores_drop_the_highest_and_the_lowest():
    result = aggregate_totals([Decimal(v) for v in ("60", "70", "75", "80", "95")], Decimal("20"))
    assert result.final_score == Decimal("75.00") and result.trimmed
    assert result.spread == Decimal("35") and result.flagged


def test_four_scores_are_a_plain_mean():
    result = aggregate_totals([Decimal(v) for v in ("60", "70", "80", "81")], Decimal("25"))
    assert result.final_score == Decimal("72.75") and not result.trimmed
    assert result.spread == Decimal("21") and not result.flagged


def test_the_last_score_aggregates_into_the_decision():
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline(), spread_threshold=Decimal("20"))
    assignments = [
        assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel) for _ in range(5)
    ]
    for assignment, value in zip(assignments[:4], ("60", "70", "75", "80"), strict=True):
        submit(assignment, full_scores(value))
    assert not Decision.objects.filter(application=application).exists()
    submit(assignments[4], full_scores("95"))
    decision = Decision.objects.get(application=application)
    assert decision.final_score == Decimal("75.00") and decision.score_spread_flag


def test_a_spread_within_the_threshold_is_not_flagged():
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline(), spread_threshold=Decimal("20"))
    for value in ("70", "80", "90"):
        submit(
            assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel),
            full_scores(value),
        )
    decision = Decision.objects.get(application=application)
    assert decision.final_score == Decimal("80.00") and not decision.score_spread_flag
    assert expert_scores_aggregate(application=application).spread == Decimal("20.00")


def test_recused_and_replaced_scores_do_not_count():
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline())
    kept = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    assignment_for(expert(), application, status=AssignmentStatus.RECUSED, panel=panel)
    submit(kept, full_scores("66"))
    assert Decision.objects.get(application=application).final_score == Decimal("66.00")


# --- visibility -------------------------------------------------------------------------------
def test_scores_are_hidden_from_everyone_else_until_the_panel_closes():
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline())
    mine = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    theirs = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    submit(mine, full_scores("88"))
    submit(theirs, full_scores("77"))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert scores_visible(mine.expert.user, mine)
    assert not scores_visible(mine.expert.user, theirs)
    assert not scores_visible(officer(), theirs)
    expert_panel_close(actor=officer(), panel=panel)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert scores_visible(officer(), theirs)
    assert scores_visible(mine.expert.user, theirs)
    assert not scores_visible(expert().user, theirs)


# --- closing, the workflow --------------------------------------------------------------------
def test_closing_is_refused_while_experts_are_pending_then_freezes_the_scores():
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline())
    done = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    late = assignment_for(expert(), application, status=AssignmentStatus.DRAWN, panel=panel)
    submit(done)
    with pytest.raises(ValidationError) as refused:
        expert_panel_close(actor=officer(), panel=panel)
    assert refused.value.messages == [
        "尚有 1 个评审任务未完成（1 个待声明、0 个待评分），请催办或替换专家后再结束评审。"
    ]
    Assignment.objects.filter(pk=late.pk).update(status=AssignmentStatus.REPLACED)
    closed = expert_panel_close(actor=officer(), panel=panel)
    assert closed.status == PanelStatus.CLOSED and closed.closed_at is not None
    assert Decision.objects.get(application=application).final_score == Decimal("80.00")
    done.refresh_from_db()
    with pytest.raises(NotNow) as too_late:
        submit(done, full_scores("90"))
    assert too_late.value.reason == "专家评审已结束，评分不能再提交或修改。"


def test_comprehensive_review_waits_for_every_active_expert():
    call = review_call()
    application = in_expert_review(call)
    with pytest.raises(ValidationError) as refused:
        application_transition(actor=officer(), application=application, action="to_comprehensive_review")
    assert refused.value.messages == ["尚未为此申报抽取评审专家，不能进入综合评审。"]
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline())
    first = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    second = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    assignment_for(expert(), application, status=AssignmentStatus.RECUSED, panel=panel)
    submit(first)
    with pytest.raises(ValidationError) as refused:
        application_transition(actor=officer(), application=application, action="to_comprehensive_review")
    assert refused.value.messages == ["还有 1 位评审专家未完成评分（共 2 位），不能进入综合评审。"]
    submit(second)
    moved = application_transition(actor=officer(), application=application, action="to_comprehensive_review")
    assert moved.status == "comprehensive_review"


# --- the officer: replace, remind ---------------------------------------------------------------
def test_the_officer_replaces_a_late_expert():
    call = review_call()
    application = in_expert_review(call)
    pool(6)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    late = Assignment.objects.filter(application=application).first()
    assert late is not None
    with pytest.raises(ValidationError):
        expert_assignment_replace(actor=officer(), assignment=late, reason=" ")
    replacement = expert_assignment_replace(actor=officer(), assignment=late, reason="出差无法参加")
    late.refresh_from_db()
    assert late.status == AssignmentStatus.REPLACED and late.replacement_reason == "出差无法参加"
    assert replacement is not None and late.replaced_by == replacement and replacement.draw_round == 2
    event = AuditEvent.objects.get(action="review.assignment.replace")
    assert event.changes["status"] == {"before": "drawn", "after": "replaced"}
    assert Notification.objects.filter(user=late.expert.user, verb="评审任务已调整").exists()
    with pytest.raises(NotNow) as refused:
        expert_assignment_replace(actor=officer(), assignment=late, reason="再次")
    assert refused.value.reason == "该专家的任务为“已替换”，不能替换。"


def test_a_scored_expert_cannot_be_replaced_or_reminded():
    assignment = accepted()
    submit(assignment)
    assignment.refresh_from_db()
    with pytest.raises(NotNow):
        expert_assignment_replace(actor=officer(), assignment=assignment, reason="x")
    with pytest.raises(NotNow) as refused:
        expert_remind(actor=officer(), assignment=assignment)
    assert refused.value.reason == "该专家的任务为“已评分”，不能催办。"


def test_a_reminder_is_mailed_after_the_commit(django_capture_on_commit_callbacks, mailoutbox):
    assignment = assignment_for(expert(email="li@example.cn"), in_expert_review(review_call()))
    with django_capture_on_commit_callbacks(execute=True):
        reminded = expert_remind(actor=officer(), assignment=assignment)
    assert reminded.reminded_at is not None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["li@example.cn"]
    assert "还有 1 个申报未完成评分" in mailoutbox[0].body


def test_the_reminder_command_reminds_after_two_thirds_of_the_time(
    django_capture_on_commit_callbacks, mailoutbox
):
    call = review_call()
    now = timezone.now()
    panel = Panel.objects.create(call=call, seed="s", deadline=now + dt.timedelta(days=3), drawn_at=now)
    slow = expert(email="slow@example.cn")
    first = assignment_for(slow, in_expert_review(call), panel=panel)
    second = assignment_for(slow, in_expert_review(call), status=AssignmentStatus.ACCEPTED, panel=panel)
    done = assignment_for(
        expert(email="done@example.cn"), in_expert_review(call), status=AssignmentStatus.ACCEPTED, panel=panel
    )
    submit(done)
    Assignment.objects.update(drawn_at=now - dt.timedelta(days=6))  # 9 days in all: 2/3 after day 6
    assert expert_reminders_send(now=now - dt.timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("expert_reminders", stdout=out)
    assert "1 位专家" in out.getvalue()
    assert [m.to for m in mailoutbox] == [["slow@example.cn"]]
    assert "还有 2 个申报未完成评分" in mailoutbox[0].body
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reminded_at is not None and second.reminded_at is not None
    assert expert_reminders_send() == 0  # once, not at every run
