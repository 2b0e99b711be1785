"""District review and recommendation: who may, in which state, what is recorded (属地原则,
returns per item, batch recommendation signed with its document number, all or nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.eligibility import NotEligible
from jigai.applications.models import ApplicationTransition
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.recommendations import selectors
from jigai.recommendations import services as district
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import CorrectionRequest, Recommendation
from jigai.recommendations.tests.district_fixtures import *  # noqa: F403
from jigai.recommendations.tests.district_fixtures import in_review, reload, several_in_review, submit_new

pytestmark = pytest.mark.django_db

ITEMS = [
    {"section": "investment", "reason": "设备购置明细与报价单金额不一致，请核对。"},
    {"section": "attachments", "reason": "缺少环评批复文件扫描件。"},
]


def history(application: Any) -> list[tuple[str, str, str]]:
    return list(
        ApplicationTransition.objects.filter(application=application)
        .order_by("created_at", "id")
        .values_list("action", "from_status", "to_status")
    )


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- taking up ----------------------------------------------------------------------------------
def test_district_officer_takes_up_a_submitted_application(people: Any, submitted: Any) -> None:
    application = district.district_start(actor=people["officer"], application=submitted)
    assert application.status == S.DISTRICT_REVIEW
    assert history(application)[-1] == ("district_start", S.SUBMITTED, S.DISTRICT_REVIEW)
    assert audited("application.district_start") == 1


def test_enterprise_cannot_start_the_district_review(people: Any, submitted: Any) -> None:
    with pytest.raises(PermissionRefused) as refused:
        district.district_start(actor=people["enterprise"], application=submitted)
    assert "区经委经办人" in refused.value.reason
    assert reload(submitted).status == S.SUBMITTED


def test_another_districts_officer_is_refused(people: Any, submitted: Any) -> None:
    with pytest.raises(PermissionRefused) as refused:
        district.district_start(actor=people["other_officer"], application=submitted)
    assert refused.value.reason == "您无权办理此申报。"
    assert reload(submitted).status == S.SUBMITTED


def test_district_head_may_not_take_up_an_application(people: Any, submitted: Any) -> None:
    with pytest.raises(PermissionRefused, match="区经委经办人"):
        district.district_start(actor=people["head"], application=submitted)


def test_skipping_the_district_is_refused_with_the_reason(people: Any, submitted: Any) -> None:
    from jigai.recommendations import municipal

    with pytest.raises(ValidationError) as refused:
        municipal.municipal_start(actor=people["municipal"], application=submitted)
    assert refused.value.messages == ["申报当前状态为“已提交”，不能开始市级初审。"]
    assert reload(submitted).status == S.SUBMITTED


def test_review_eligibility_leaves_out_the_window(people: Any, reviewing: Any) -> None:
    codes = [r.code for r in district.review_eligibility(reviewing)]
    assert "call_open" not in codes
    assert "min_total_investment" in codes


# --- returns ------------------------------------------------------------------------------------
def test_return_records_each_item_and_the_enterprise_sees_them(people: Any, reviewing: Any) -> None:
    request = district.district_return(actor=people["officer"], application=reviewing, items=ITEMS)
    application = reload(reviewing)
    assert application.status == S.RETURNED
    items = list(request.items.values_list("section", "reason"))
    assert items == [(i["section"], i["reason"]) for i in ITEMS]
    last = ApplicationTransition.objects.filter(application=application).last()
    assert last is not None and last.action == "district_return"
    assert "1. 投资明细：设备购置明细" in last.comment and "2. 申报材料：缺少环评" in last.comment
    seen = selectors.correction_requests(actor=people["enterprise"], application=application)
    assert [r.pk for r in seen] == [request.pk]
    assert audited("review.correction_request.create") == 1


def test_return_needs_at_least_one_item(people: Any, reviewing: Any) -> None:
    for items in ([], [{"section": "", "reason": "  "}]):
        with pytest.raises(ValidationError) as refused:
            district.district_return(actor=people["officer"], application=reviewing, items=items)
        assert refused.value.message_dict == {"items": ["退回修改须逐项写明需修改的内容和理由，至少一项。"]}
    assert reload(reviewing).status == S.DISTRICT_REVIEW
    assert not CorrectionRequest.objects.exists()


def test_return_item_needs_a_known_section_and_a_reason(people: Any, reviewing: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        district.district_return(
            actor=people["officer"],
            application=reviewing,
            items=[{"section": "budget", "reason": "x"}, {"section": "financing", "reason": ""}],
        )
    errors = refused.value.message_dict
    assert errors["items.0.section"][0].startswith("“budget”不是申报的组成部分")
    assert errors["items.1.reason"] == ["请写明“资金来源”需修改的理由。"]


def test_return_without_items_through_the_transition_itself_is_refused(people: Any, reviewing: Any) -> None:
    from jigai.applications.services import application_transition

    with pytest.raises(ValidationError, match="至少一项"):
        application_transition(
            actor=people["officer"], application=reviewing, action="district_return", comment="请修改"
        )
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_resubmission_after_a_return_goes_back_to_the_district(
    people: Any, reviewing: Any, call: Any
) -> None:
    district.district_return(actor=people["officer"], application=reviewing, items=ITEMS[:1])
    application = district.application_resubmit(actor=people["enterprise"], application=reload(reviewing))
    assert application.status == S.RESUBMITTED
    request = CorrectionRequest.objects.get(application=application)
    assert request.resolved_at is not None
    again = district.district_start(actor=people["officer"], application=application)
    assert again.status == S.DISTRICT_REVIEW
    assert [h[0] for h in history(application)] == [
        "create",
        "submit",
        "district_start",
        "district_return",
        "resubmit",
        "district_start",
    ]


def test_resubmission_ignores_the_closed_window(people: Any, reviewing: Any, call: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    district.district_return(actor=people["officer"], application=reviewing, items=ITEMS[:1])
    type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(days=1))
    application = district.application_resubmit(actor=people["enterprise"], application=reload(reviewing))
    assert application.status == S.RESUBMITTED


def test_resubmission_checks_eligibility_again(people: Any, reviewing: Any) -> None:
    from jigai.applications.models import Attachment

    district.district_return(actor=people["officer"], application=reviewing, items=ITEMS[1:])
    Attachment.objects.filter(application=reviewing).delete()
    with pytest.raises(NotEligible) as refused:
        district.application_resubmit(actor=people["enterprise"], application=reload(reviewing))
    assert [r.code for r in refused.value.failed] == ["attachments"]
    assert reload(reviewing).status == S.RETURNED


def test_only_the_applicant_resubmits(people: Any, reviewing: Any) -> None:
    district.district_return(actor=people["officer"], application=reviewing, items=ITEMS[:1])
    with pytest.raises(PermissionRefused, match="企业申报用户"):
        district.application_resubmit(actor=people["officer"], application=reload(reviewing))


# --- the recommendation document ----------------------------------------------------------------
def test_batch_recommendation_is_signed_with_its_number(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 3)
    recommendation = district.recommendation_prepare(
        actor=people["officer"],
        applications=apps,
        opinion="三个项目均符合条件，同意推荐。",
        priorities=[2, 1, 3],
    )
    assert recommendation.status == RecommendationStatus.PREPARED
    assert [(i.application_id, i.priority) for i in recommendation.items.order_by("priority")] == [
        (apps[1].pk, 1),
        (apps[0].pk, 2),
        (apps[2].pk, 3),
    ]
    assert all(reload(a).status == S.DISTRICT_REVIEW for a in apps)
    signed = district.recommendation_sign(
        actor=people["head"], recommendation=recommendation, document_number="浦科经委[2026] 12号"
    )
    assert signed.status == RecommendationStatus.SIGNED
    assert signed.document_number == "浦科经委〔2026〕12号"
    assert signed.signed_by == people["head"]
    for application in apps:
        assert reload(application).status == S.RECOMMENDED
        assert history(application)[-1] == ("district_recommend", S.DISTRICT_REVIEW, S.RECOMMENDED)
    assert audited("application.district_recommend") == 3
    assert audited("review.recommendation.sign") == 1


def test_district_officer_cannot_sign(people: Any, reviewing: Any) -> None:
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[reviewing], opinion="同意"
    )
    with pytest.raises(PermissionRefused, match="区经委负责人"):
        district.recommendation_sign(
            actor=people["officer"], recommendation=recommendation, document_number="X1"
        )
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_another_districts_head_cannot_sign(people: Any, reviewing: Any) -> None:
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[reviewing], opinion="同意"
    )
    with pytest.raises(PermissionRefused, match="属地区"):
        district.recommendation_sign(
            actor=people["other_head"], recommendation=recommendation, document_number="X1"
        )


def test_district_head_does_not_prepare(people: Any, reviewing: Any) -> None:
    with pytest.raises(PermissionRefused, match="区经委经办人"):
        district.recommendation_prepare(actor=people["head"], applications=[reviewing], opinion="同意")


def test_document_number_is_required(people: Any, reviewing: Any) -> None:
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[reviewing], opinion="同意"
    )
    with pytest.raises(ValidationError) as refused:
        district.recommendation_sign(
            actor=people["head"], recommendation=recommendation, document_number="  "
        )
    assert refused.value.message_dict == {"document_number": ["请填写推荐文号。"]}
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_document_number_is_unique(people: Any, call: Any) -> None:
    first, second = several_in_review(people, call, 2)
    one = district.recommendation_prepare(actor=people["officer"], applications=[first], opinion="同意")
    two = district.recommendation_prepare(actor=people["officer"], applications=[second], opinion="同意")
    district.recommendation_sign(
        actor=people["head"], recommendation=one, document_number="浦科经委〔2026〕12号"
    )
    with pytest.raises(ValidationError) as refused:
        district.recommendation_sign(
            actor=people["head"], recommendation=two, document_number="浦科经委(2026)12号"
        )
    assert refused.value.message_dict == {
        "document_number": ["推荐文号“浦科经委〔2026〕12号”已被使用，请核对文号。"]
    }
    assert reload(second).status == S.DISTRICT_REVIEW
    assert Recommendation.objects.get(pk=two.pk).status == RecommendationStatus.PREPARED


def test_batch_sign_is_all_or_nothing(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 3)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=apps, opinion="同意"
    )
    type(apps[1]).objects.filter(pk=apps[1].pk).update(status=S.RETURNED)  # moved on meanwhile
    transitions_before = ApplicationTransition.objects.count()
    with pytest.raises(ValidationError) as refused:
        district.recommendation_sign(
            actor=people["head"], recommendation=recommendation, document_number="浦1号"
        )
    assert str(apps[1].reference_number) in refused.value.messages[0]
    assert "推荐文件未签发" in refused.value.messages[0]
    assert [reload(a).status for a in apps] == [S.DISTRICT_REVIEW, S.RETURNED, S.DISTRICT_REVIEW]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.document_number) == (RecommendationStatus.PREPARED, "")
    assert ApplicationTransition.objects.count() == transitions_before
    assert audited("review.recommendation.sign") == 0


def test_a_failure_midway_rolls_back_the_applications_already_moved(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 3)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=apps, opinion="同意"
    )
    # The third is no longer the district's (its guard refuses only when its turn comes).
    type(apps[2]).objects.filter(pk=apps[2].pk).update(district_id="310104")
    with pytest.raises(PermissionRefused):
        district.recommendation_sign(
            actor=people["head"], recommendation=recommendation, document_number="浦2号"
        )
    assert [reload(a).status for a in apps] == [S.DISTRICT_REVIEW] * 3
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.PREPARED


def test_prepare_refuses_applications_not_under_review(people: Any, call: Any, submitted: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        district.recommendation_prepare(actor=people["officer"], applications=[submitted], opinion="同意")
    assert "须先受理并完成区级审核" in refused.value.message_dict["application_ids"][0]


def test_an_application_is_in_one_prepared_document_at_a_time(people: Any, reviewing: Any) -> None:
    district.recommendation_prepare(actor=people["officer"], applications=[reviewing], opinion="同意")
    with pytest.raises(ValidationError, match="已在待签发的推荐文件"):
        district.recommendation_prepare(actor=people["officer"], applications=[reviewing], opinion="同意")


def test_priorities_must_be_distinct(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 2)
    with pytest.raises(ValidationError) as refused:
        district.recommendation_prepare(
            actor=people["officer"], applications=apps, opinion="同意", priorities=[1, 1]
        )
    assert refused.value.message_dict == {"priorities": ["同一推荐文件中的推荐排序不能重复。"]}


def test_opinion_is_required(people: Any, reviewing: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        district.recommendation_prepare(actor=people["officer"], applications=[reviewing], opinion=" ")
    assert refused.value.message_dict == {"opinion": ["请填写区经济主管部门的推荐意见。"]}


def test_update_changes_the_ranking(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[a, b], opinion="同意"
    )
    district.recommendation_update(
        actor=people["officer"],
        recommendation=recommendation,
        priorities={a.pk: 2, b.pk: 1},
        opinion="调整排序",
    )
    ranks = dict(recommendation.items.values_list("application_id", "priority"))
    assert ranks == {a.pk: 2, b.pk: 1}
    assert Recommendation.objects.get(pk=recommendation.pk).opinion == "调整排序"


def test_returning_an_application_takes_it_out_of_the_prepared_document(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[a, b], opinion="同意"
    )
    district.district_return(actor=people["officer"], application=reload(a), items=ITEMS[:1])
    assert list(recommendation.items.values_list("application_id", flat=True)) == [b.pk]
    district.district_decline(actor=people["head"], application=reload(b), reason="不符合产业导向")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.WITHDRAWN
    assert reload(b).status == S.NOT_RECOMMENDED


def test_decline_needs_a_reason_and_the_head(people: Any, reviewing: Any) -> None:
    with pytest.raises(PermissionRefused, match="区经委负责人"):
        district.district_decline(actor=people["officer"], application=reviewing, reason="理由")
    with pytest.raises(ValidationError) as refused:
        district.district_decline(actor=people["head"], application=reviewing, reason="")
    assert refused.value.message_dict == {"reason": ["请填写不予推荐的理由。"]}
    district.district_decline(actor=people["head"], application=reviewing, reason="项目已在其他渠道获得支持")
    last = ApplicationTransition.objects.filter(application=reviewing).last()
    assert last is not None and (last.action, last.comment) == (
        "district_decline",
        "项目已在其他渠道获得支持",
    )


def test_recommend_only_through_a_signed_document(people: Any, reviewing: Any) -> None:
    from jigai.applications.services import application_transition

    with pytest.raises(ValidationError, match="推荐文号签发"):
        application_transition(actor=people["head"], application=reviewing, action="district_recommend")


def test_late_signature_is_flagged_not_refused(people: Any, call: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    application = in_review(people, call)
    type(call).objects.filter(pk=call.pk).update(
        district_forward_date=timezone.localdate() - timedelta(days=3)
    )
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[application], opinion="同意"
    )
    signed = district.recommendation_sign(
        actor=people["head"], recommendation=recommendation, document_number="浦3号"
    )
    assert selectors.late_days(signed) == 3
    assert AuditEvent.objects.get(action="review.recommendation.sign").message.startswith("逾期 3 天签发")


def test_next_priority_continues_after_the_districts_ranks(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    district.recommendation_prepare(
        actor=people["officer"], applications=[a, b], opinion="同意", priorities=[4, 7]
    )
    assert selectors.next_priority(district_id="310115", call_id=call.pk) == 8


def test_workbench_lists_only_the_district(people: Any, call: Any) -> None:
    application = submit_new(people, call)
    assert list(selectors.district_applications(actor=people["officer"], tab="pending")) == [application]
    assert list(selectors.district_applications(actor=people["other_officer"], tab="pending")) == []
    assert selectors.workbench_counts(actor=people["officer"])["pending"] == 1
