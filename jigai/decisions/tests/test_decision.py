"""Comprehensive review: the ranking, the approved amounts and the proposed list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import ApplicationTransition
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.selectors import call_ranking
from jigai.decisions.services import decision_set_amounts, proposed_list_propose
from jigai.decisions.tests.factories_decision import (
    call_with_budget,
    expert_opinions,
    head,
    in_review,
    officer,
    propose,
)

pytestmark = pytest.mark.django_db
M = Decimal


def test_the_ranking_orders_by_final_score_then_submission_and_totals_against_the_budget():
    call = call_with_budget("7000000.00")
    low = in_review(call, score="70.00", total="30000000.00")
    first_in = in_review(call, score="85.00", total="30000000.00", submitted_minutes_ago=60)
    later = in_review(call, score="85.00", total="30000000.00", submitted_minutes_ago=5)
    unscored = in_review(call, score=None)
    in_review(call, status=ApplicationStatus.EXPERT_REVIEW)  # not yet in comprehensive review

    ranking = call_ranking(actor=officer(), call=call)

    assert [r.application for r in ranking.rows] == [first_in, later, low, unscored]
    assert [r.rank for r in ranking.rows] == [1, 2, 3, 4]
    # 10 % of 3,000万元 each: 300万元; budget 700万元 passed by the third.
    assert [r.amounts.approved_support for r in ranking.rows] == [M("3000000.00")] * 4
    assert [r.running_total for r in ranking.rows] == [
        M("3000000"),
        M("6000000"),
        M("9000000"),
        M("12000000"),
    ]
    assert [r.over_budget for r in ranking.rows] == [False, False, True, True]
    assert ranking.total == M("12000000.00") and ranking.over_budget
    assert ranking.within_budget_ids == [first_in.pk, later.pk]
    assert not ranking.frozen


def test_default_investment_is_the_experts_mean_opinion_never_above_the_declared_total():
    call = call_with_budget()
    mean = in_review(call, total="30000000.00")
    expert_opinions(mean, ["24000000.00", "26000000.00", None])
    above = in_review(call, total="20000000.00")
    expert_opinions(above, ["25000000.00"])
    none = in_review(call, total="22000000.00")

    rows = {r.application.pk: r for r in call_ranking(actor=officer(), call=call).rows}

    assert rows[mean.pk].opinion_mean == M("25000000")
    assert rows[mean.pk].amounts.approved_investment == M("25000000.00")
    assert rows[mean.pk].amounts.formula_support == M("2500000.00")
    assert rows[above.pk].amounts.approved_investment == M("20000000.00")  # capped at declared
    assert rows[none.pk].amounts.approved_investment == M("22000000.00")
    assert all(r.amounts.investment_is_default for r in rows.values())


def test_the_formula_applies_the_cap_of_the_rules_and_rounds_down_to_the_fen():
    call = call_with_budget("900000000.00", cap_per_project="5000000.00", support_rate="0.0750")
    big = in_review(call, total="90000000.00")
    odd = in_review(call, total="33333333.33")
    rows = {r.application.pk: r for r in call_ranking(actor=officer(), call=call).rows}
    assert rows[big.pk].amounts.formula_support == M("5000000.00")  # 7.5 % = 675万元, capped at 500万元
    assert rows[odd.pk].amounts.formula_support == M("2499999.99")  # 2,499,999.99975 rounded down


def test_the_officer_sets_the_approved_investment_and_may_lower_the_support_with_a_reason():
    call = call_with_budget()
    application = in_review(call, total="30000000.00")

    decision = decision_set_amounts(
        actor=officer(), application=application, approved_investment=M("28000000.00")
    )
    assert decision.formula_support == M("2800000.00")
    assert decision.approved_support == M("2800000.00")

    decision = decision_set_amounts(
        actor=officer(),
        application=application,
        approved_investment=M("28000000.00"),
        approved_support=M("2500000.00"),
        reduction_reason="设备购置单价偏高，按市场价核减",
    )
    assert decision.approved_support == M("2500000.00")
    assert decision.reduction_reason == "设备购置单价偏高，按市场价核减"
    row = call_ranking(actor=officer(), call=call).rows[0]
    assert row.amounts.approved_support == M("2500000.00") and row.amounts.reduced
    event = AuditEvent.objects.filter(action="review.decision_set_amounts").order_by("seq").last()
    assert event is not None
    assert event.changes["approved_support"] == {"before": "2800000.00", "after": "2500000.00"}
    assert event.message == "设备购置单价偏高，按市场价核减"


def test_an_approved_amount_above_the_formula_is_refused():
    call = call_with_budget()
    application = in_review(call, total="30000000.00")
    with pytest.raises(ValidationError) as refused:
        decision_set_amounts(
            actor=officer(),
            application=application,
            approved_investment=M("30000000.00"),
            approved_support=M("3000000.01"),
            reduction_reason="",
        )
    message = refused.value.message_dict["approved_support"][0]
    assert "高于按公式计算的 3,000,000.00 元" in message and "只能调减，不能调高" in message
    assert Decision.objects.get(application=application).approved_support is None


def test_lowering_without_a_reason_and_an_investment_above_the_declared_total_are_refused():
    call = call_with_budget()
    application = in_review(call, total="30000000.00")
    with pytest.raises(ValidationError) as no_reason:
        decision_set_amounts(
            actor=officer(), application=application, approved_investment=None, approved_support=M("1000000")
        )
    assert "请填写调减理由" in no_reason.value.message_dict["reduction_reason"][0]
    with pytest.raises(ValidationError) as above:
        decision_set_amounts(actor=officer(), application=application, approved_investment=M("30000000.01"))
    assert "不能超过申报总投资 30,000,000.00 元" in above.value.message_dict["approved_investment"][0]
    with pytest.raises(ValidationError) as fen:
        decision_set_amounts(actor=officer(), application=application, approved_investment=M("1.001"))
    assert "精确到分" in fen.value.message_dict["approved_investment"][0]


def test_only_the_commission_sets_amounts_and_only_its_head_proposes():
    call = call_with_budget()
    application = in_review(call)
    with pytest.raises(PermissionRefused):
        decision_set_amounts(
            actor=user_for_role(Role.DISTRICT_HEAD), application=application, approved_investment=None
        )
    with pytest.raises(PermissionRefused, match="市经信委负责人"):
        proposed_list_propose(actor=officer(), call=call, application_ids=[application.pk])


def test_proposing_moves_the_chosen_on_and_the_others_out_with_the_reason():
    call = call_with_budget("7000000.00")
    first = in_review(call, score="90")
    second = in_review(call, score="85")
    third = in_review(call, score="70")

    proposed_list = propose(call, [first, second], reason="排名靠后，预算不足")

    assert proposed_list.status == ProposedListStatus.PROPOSED
    assert proposed_list.total_support == M("6000000.00")
    for application in (first, second, third):
        application.refresh_from_db()
    statuses = {a.pk: a.status for a in (first, second, third)}
    assert statuses == {
        first.pk: ApplicationStatus.PROPOSED,
        second.pk: ApplicationStatus.PROPOSED,
        third.pk: ApplicationStatus.NOT_APPROVED,
    }
    assert (
        ApplicationTransition.objects.get(application=third, action="not_proposed").comment
        == "排名靠后，预算不足"
    )
    decisions = {d.application_id: d for d in Decision.objects.all()}
    assert [decisions[a.pk].rank for a in (first, second, third)] == [1, 2, 3]
    assert decisions[first.pk].proposed_list == proposed_list
    assert decisions[third.pk].proposed_list is None
    assert decisions[first.pk].approved_support == M("3000000.00")
    assert decisions[first.pk].decided_by == head()  # the head's proposal fixes the default amounts
    assert AuditEvent.objects.filter(action="review.proposed_list_propose").count() == 1


def test_a_proposal_above_the_budget_is_refused_and_changes_nothing():
    call = call_with_budget("5000000.00")
    first = in_review(call, score="90")
    second = in_review(call, score="85")
    with pytest.raises(ValidationError) as refused:
        propose(call, [first, second])
    assert "拟支持金额合计 600.00 万元，超过本批次预算 500.00 万元（超出 100.00 万元）" in str(refused.value)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.COMPREHENSIVE_REVIEW
    assert not ProposedList.objects.filter(status=ProposedListStatus.PROPOSED).exists()
    assert Decision.objects.get(application=first).approved_support is None
    # Lowering one of them (with a reason) brings the total within the budget.
    decision_set_amounts(
        actor=officer(),
        application=second,
        approved_investment=None,
        approved_support=M("2000000.00"),
        reduction_reason="部分投资与项目关联度不高",
    )
    assert propose(call, [first, second]).total_support == M("5000000.00")


def test_the_proposal_needs_a_reason_for_the_others_a_choice_and_a_budget():
    call = call_with_budget()
    first = in_review(call, score="90")
    in_review(call, score="80")
    with pytest.raises(ValidationError) as reason:
        proposed_list_propose(actor=head(), call=call, application_ids=[first.pk], not_proposed_reason=" ")
    assert "有 1 个项目未列入名单，请填写未列入的原因" in str(reason.value)
    with pytest.raises(ValidationError, match="请至少选择一个"):
        proposed_list_propose(actor=head(), call=call, application_ids=[])
    elsewhere = in_review(call_with_budget())
    with pytest.raises(ValidationError, match="不在本批次的综合评审中"):
        proposed_list_propose(actor=head(), call=call, application_ids=[first.pk, elsewhere.pk])
    no_budget = call_with_budget(None)
    only = in_review(no_budget)
    with pytest.raises(ValidationError, match="尚未设定专项资金预算"):
        proposed_list_propose(actor=head(), call=no_budget, application_ids=[only.pk])


def test_a_proposed_list_is_frozen():
    call = call_with_budget()
    first = in_review(call, score="90")
    propose(call, [first])
    with pytest.raises(ValidationError) as frozen:
        decision_set_amounts(
            actor=officer(),
            application=first,
            approved_investment=M("20000000.00"),
            approved_support=M("1000000.00"),
            reduction_reason="再核减",
        )
    assert "核定金额已冻结，不能再修改" in str(frozen.value)
    with pytest.raises(ValidationError, match="不能再次提出"):
        propose(call, [first])
    ranking = call_ranking(actor=officer(), call=call)
    assert ranking.frozen
    assert [r.amounts.approved_support for r in ranking.rows] == [M("3000000.00")]
    assert Decision.objects.get(application=first).approved_support == M("3000000.00")
