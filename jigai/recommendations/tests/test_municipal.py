"""Municipal first review: take up recommended applications, return them, pass them to experts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import ApplicationTransition
from jigai.core.permissions import PermissionRefused
from jigai.recommendations import municipal
from jigai.recommendations import services as district
from jigai.recommendations.choices import CorrectionStage
from jigai.recommendations.models import CorrectionRequest
from jigai.recommendations.tests.district_fixtures import *  # noqa: F403
from jigai.recommendations.tests.district_fixtures import reload, several_in_review

pytestmark = pytest.mark.django_db


def recommended(people: Any, call: Any, n: int = 1, number: str = "浦科经委〔2026〕1号") -> list[Any]:
    apps = several_in_review(people, call, n)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=apps, opinion="同意推荐"
    )
    district.recommendation_sign(actor=people["head"], recommendation=recommendation, document_number=number)
    return [reload(a) for a in apps]


def test_first_review_then_expert_review(people: Any, call: Any) -> None:
    (application,) = recommended(people, call)
    application = municipal.municipal_start(actor=people["municipal"], application=application)
    assert application.status == S.MUNICIPAL_REVIEW
    application = municipal.to_expert_review(actor=people["municipal"], application=application)
    assert application.status == S.EXPERT_REVIEW
    actions = list(
        ApplicationTransition.objects.filter(application=application).values_list("action", flat=True)
    )
    assert actions[-3:] == ["district_recommend", "municipal_start", "to_expert_review"]


def test_only_municipal_officers_act(people: Any, call: Any) -> None:
    (application,) = recommended(people, call)
    for who in ("officer", "head", "enterprise", "municipal_head"):
        with pytest.raises(PermissionRefused):
            municipal.municipal_start(actor=people[who], application=application)
    assert reload(application).status == S.RECOMMENDED


def test_expert_review_needs_the_first_review_first(people: Any, call: Any) -> None:
    (application,) = recommended(people, call)
    with pytest.raises(ValidationError) as refused:
        municipal.to_expert_review(actor=people["municipal"], application=application)
    assert refused.value.messages == ["申报当前状态为“区已推荐”，不能提交专家评审。"]


def test_municipal_return_goes_back_through_the_district(people: Any, call: Any) -> None:
    (application,) = recommended(people, call)
    application = municipal.municipal_start(actor=people["municipal"], application=application)
    with pytest.raises(ValidationError) as refused:
        municipal.municipal_return(actor=people["municipal"], application=application, reason="  ")
    assert refused.value.message_dict == {"reason": ["请填写退回修改的理由。"]}
    municipal.municipal_return(
        actor=people["municipal"], application=application, reason="投资估算依据不足。"
    )
    application = reload(application)
    assert application.status == S.RETURNED
    request = CorrectionRequest.objects.get(application=application)
    assert request.stage == CorrectionStage.MUNICIPAL
    assert list(request.items.values_list("section", "reason")) == [("other", "投资估算依据不足。")]
    application = district.application_resubmit(actor=people["enterprise"], application=application)
    application = district.district_start(actor=people["officer"], application=application)
    # Recommended again under a new document number.
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[application], opinion="已修改"
    )
    district.recommendation_sign(actor=people["head"], recommendation=recommendation, document_number="浦2号")
    assert reload(application).status == S.RECOMMENDED
    assert application.recommendation_items.count() == 2


def test_batch_moves_each_and_reports_the_others(people: Any, call: Any) -> None:
    apps = recommended(people, call, 3)
    municipal.municipal_start(actor=people["municipal"], application=apps[0])
    result = municipal.municipal_batch(
        actor=people["municipal"], applications=[reload(a) for a in apps], action="municipal_start"
    )
    assert [a.pk for a in result.done] == [apps[1].pk, apps[2].pk]
    assert [(a.pk, reason) for a, reason in result.refused] == [
        (apps[0].pk, "申报当前状态为“市级初审中”，不能开始市级初审。")
    ]
    with pytest.raises(ValidationError):
        municipal.municipal_batch(actor=people["municipal"], applications=apps, action="approve")


def test_queue_shows_the_document_number_and_rank(people: Any, call: Any) -> None:
    apps = recommended(people, call, 2, number="浦科经委〔2026〕9号")
    rows: list[Any] = list(municipal.municipal_queue(actor=people["municipal"]))
    assert {(r.pk, r.document_number, r.priority) for r in rows} == {
        (apps[0].pk, "浦科经委〔2026〕9号", 1),
        (apps[1].pk, "浦科经委〔2026〕9号", 2),
    }
    assert municipal.queue_counts(actor=people["municipal"]) == {"recommended": 2, "municipal_review": 0}
