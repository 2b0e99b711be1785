"""Permission matrix of the district review, recommendation, municipal first review and notification
endpoints: every endpoint × every role (and anonymous).

Found by jigai/core/tests/test_api_coverage.py (``test_api_permissions_<part>.py``). The
application each row acts on belongs to the acting enterprise user when the role is ``enterprise``,
otherwise to an enterprise in 浦东新区, the district of the matrix's district users. Roles that
cannot see it get 404; roles that see it but may not act get 403 with the reason.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.models import Application
from jigai.applications.tests.conftest import CALL_DIRECTIONS, eligible_application_for
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role
from jigai.core.testing.permissions import SIGNED_IN, Endpoint, endpoint_matrix_test
from jigai.notifications.models import Notification
from jigai.recommendations import municipal
from jigai.recommendations import services as district

BASE = "/api/v1/review"
APPLICATION = BASE + "/applications/{application_id}"
RECOMMENDATION = BASE + "/recommendations/{recommendation_id}"
HIDDEN = (403, 404)
READERS = frozenset(
    {
        Role.ENTERPRISE,
        Role.DISTRICT_OFFICER,
        Role.DISTRICT_HEAD,
        Role.MUNICIPAL_OFFICER,
        Role.MUNICIPAL_HEAD,
        Role.FINANCE_OFFICER,
        # the district finance bureau reads the projects of its own district (it pays their share)
        Role.DISTRICT_FINANCE_OFFICER,
        Role.NDRC_VIEWER,
        Role.SUPERVISOR,
    }
)
DOCUMENT_READERS = READERS - {Role.ENTERPRISE, Role.DISTRICT_FINANCE_OFFICER}
_numbers = count(1)


def _applicant(user: Any) -> Any:
    if user is not None and user.role == Role.ENTERPRISE:
        return user
    return user_for_role(Role.ENTERPRISE, district_code="310115")


def _submitted(user: Any) -> Any:
    factories.published_catalog()
    call = factories.open_call(direction_codes=CALL_DIRECTIONS)
    applicant = _applicant(user)
    return services.application_submit(actor=applicant, application=eligible_application_for(applicant, call))


def _in_review(user: Any) -> Any:
    return district.district_start(actor=user_for_role(Role.DISTRICT_OFFICER), application=_submitted(user))


def _prepared(user: Any) -> Any:
    return district.recommendation_prepare(
        actor=user_for_role(Role.DISTRICT_OFFICER), applications=[_in_review(user)], opinion="同意推荐"
    )


def _recommended(user: Any) -> Any:
    recommendation = _prepared(user)
    district.recommendation_sign(
        actor=user_for_role(Role.DISTRICT_HEAD),
        recommendation=recommendation,
        document_number=f"矩阵〔2026〕{next(_numbers)}号",
    )
    return recommendation.items.get().application


def submitted(user: Any) -> dict[str, Any]:
    return {"application_id": _submitted(user).pk}


def in_review(user: Any) -> dict[str, Any]:
    return {"application_id": _in_review(user).pk}


def returned(user: Any) -> dict[str, Any]:
    application = _in_review(user)
    district.district_return(
        actor=user_for_role(Role.DISTRICT_OFFICER),
        application=application,
        items=[{"section": "other", "reason": "请补充说明"}],
    )
    return {"application_id": application.pk}


def recommended(user: Any) -> dict[str, Any]:
    return {"application_id": _recommended(user).pk}


def municipal_review(user: Any) -> dict[str, Any]:
    application = municipal.municipal_start(
        actor=user_for_role(Role.MUNICIPAL_OFFICER), application=_recommended(user)
    )
    return {"application_id": application.pk}


def expert_review_unscored(user: Any) -> dict[str, Any]:
    application = municipal.to_expert_review(
        actor=user_for_role(Role.MUNICIPAL_OFFICER),
        application=Application.objects.get(pk=municipal_review(user)["application_id"]),
    )
    return {"application_id": application.pk}


def prepare_body(user: Any) -> dict[str, Any]:
    application = _in_review(user)
    return {"body": {"application_ids": [application.pk], "priorities": [1], "opinion": "同意推荐"}}


def prepared(user: Any) -> dict[str, Any]:
    recommendation = _prepared(user)
    return {
        "recommendation_id": recommendation.pk,
        "body": {"document_number": f"矩阵〔2026〕{next(_numbers)}号"},
    }


def prepared_update(user: Any) -> dict[str, Any]:
    recommendation = _prepared(user)
    application_id = recommendation.items.get().application_id
    return {
        "recommendation_id": recommendation.pk,
        "body": {"priorities": {str(application_id): 3}, "opinion": "调整"},
    }


def prepared_withdraw(user: Any) -> dict[str, Any]:
    return {"recommendation_id": _prepared(user).pk, "body": {"reason": "重新拟定"}}


def notification(user: Any) -> dict[str, Any]:
    owner = user or user_for_role(Role.MUNICIPAL_OFFICER)
    notice = Notification.objects.create(user=owner, verb="测试", message="测试通知")
    return {"notification_id": notice.pk}


ENDPOINTS = [
    Endpoint(
        "POST",
        APPLICATION + "/district-start",
        {Role.DISTRICT_OFFICER},
        setup=submitted,
        denied_status=HIDDEN,
    ),
    Endpoint(
        "POST",
        APPLICATION + "/district-return",
        {Role.DISTRICT_OFFICER},
        body={"items": [{"section": "investment", "reason": "投资明细与报价不符"}]},
        setup=in_review,
        denied_status=HIDDEN,
    ),
    Endpoint("POST", APPLICATION + "/resubmit", {Role.ENTERPRISE}, setup=returned, denied_status=HIDDEN),
    Endpoint(
        "POST",
        APPLICATION + "/district-decline",
        {Role.DISTRICT_HEAD},
        body={"reason": "不符合本区产业导向"},
        setup=in_review,
        denied_status=HIDDEN,
    ),
    Endpoint("GET", APPLICATION + "/corrections", READERS, setup=returned, denied_status=HIDDEN),
    Endpoint("GET", BASE + "/recommendations", DOCUMENT_READERS),
    Endpoint(
        "POST", BASE + "/recommendations", {Role.DISTRICT_OFFICER}, setup=prepare_body, denied_status=HIDDEN
    ),
    Endpoint("GET", RECOMMENDATION, DOCUMENT_READERS, setup=prepared, denied_status=HIDDEN),
    Endpoint("PUT", RECOMMENDATION, {Role.DISTRICT_OFFICER}, setup=prepared_update, denied_status=HIDDEN),
    Endpoint(
        "POST",
        RECOMMENDATION + "/withdraw",
        {Role.DISTRICT_OFFICER},
        setup=prepared_withdraw,
        denied_status=HIDDEN,
    ),
    Endpoint("POST", RECOMMENDATION + "/sign", {Role.DISTRICT_HEAD}, setup=prepared, denied_status=HIDDEN),
    Endpoint(
        "POST",
        APPLICATION + "/municipal-start",
        {Role.MUNICIPAL_OFFICER},
        setup=recommended,
        denied_status=HIDDEN,
    ),
    Endpoint(
        "POST",
        APPLICATION + "/municipal-return",
        {Role.MUNICIPAL_OFFICER},
        body={"reason": "投资估算依据不足"},
        setup=municipal_review,
        denied_status=HIDDEN,
    ),
    Endpoint(
        "POST",
        APPLICATION + "/to-expert-review",
        {Role.MUNICIPAL_OFFICER},
        setup=municipal_review,
        denied_status=HIDDEN,
    ),
    # Allowed for the municipal officer, who is then told why not yet: no expert has scored.
    Endpoint(
        "POST",
        APPLICATION + "/to-comprehensive-review",
        {Role.MUNICIPAL_OFFICER},
        setup=expert_review_unscored,
        ok_status=(422,),
        denied_status=HIDDEN,
    ),
    Endpoint("GET", "/api/v1/notifications", SIGNED_IN),
    Endpoint("POST", "/api/v1/notifications/read-all", SIGNED_IN),
    Endpoint("POST", "/api/v1/notifications/{notification_id}/read", SIGNED_IN, setup=notification),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
