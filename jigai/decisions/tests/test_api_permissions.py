"""Permission matrix of the decision, publicity, objection, notice and calendar endpoints of
/api/v1/review: every endpoint × every role (and anonymous). Found by
jigai/core/tests/test_api_coverage.py (``test_api_permissions_<part>.py``).

Writes are refused (403 with the reason) before anything is looked up; the decision notice is a
404 for whoever may not see the application (its existence is not revealed). The two public
endpoints answer everyone, signed in or not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from jigai.accounts.choices import Role
from jigai.core.testing.permissions import ANYONE, SIGNED_IN, Endpoint, endpoint_matrix_test
from jigai.decisions.models import Objection
from jigai.decisions.publicity import proposed_list_approve
from jigai.decisions.tests.factories_decision import (
    call_with_budget,
    close_publicity,
    head,
    in_publicity,
    in_review,
    propose,
    publish,
)

BASE = "/api/v1/review"
MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD})
READERS = frozenset({*MUNICIPAL, Role.FINANCE_OFFICER, Role.NDRC_VIEWER, Role.SUPERVISOR})
HEAD = frozenset({Role.MUNICIPAL_HEAD})
OFFICER = frozenset({Role.MUNICIPAL_OFFICER})
#: who may see an application of 浦东新区 (the matrix's district users are in 浦东新区)
NOTICE_READERS = frozenset(
    {
        Role.ENTERPRISE,
        Role.DISTRICT_OFFICER,
        Role.DISTRICT_HEAD,
        *MUNICIPAL,
        Role.FINANCE_OFFICER,
        Role.DISTRICT_FINANCE_OFFICER,
        Role.NDRC_VIEWER,
        Role.SUPERVISOR,
    }
)


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def ranking(user: Any) -> dict[str, Any]:
    call = call_with_budget()
    in_review(call)
    return {"call_id": call.pk}


def decision(user: Any) -> dict[str, Any]:
    application = in_review(call_with_budget(), total="30000000.00")
    return {
        "application_id": application.pk,
        "body": {"approved_investment": "28000000.00", "approved_support": None, "reduction_reason": ""},
    }


def proposable(user: Any) -> dict[str, Any]:
    call = call_with_budget()
    application = in_review(call)
    return {"call_id": call.pk, "body": {"application_ids": [application.pk], "not_proposed_reason": ""}}


def proposed(user: Any) -> dict[str, Any]:
    call = call_with_budget()
    propose(call, [in_review(call)])
    return {"call_id": call.pk, "body": {"starts_on": None}}


def closed_publicity(user: Any) -> dict[str, Any]:
    call, _applications, proposed_list = in_publicity(count=1)
    close_publicity(proposed_list)
    return {"call_id": call.pk}


def current_publicity(user: Any) -> dict[str, Any]:
    _call, _applications, proposed_list = in_publicity(count=1)
    return {"list_id": proposed_list.pk}


def open_objection(user: Any) -> dict[str, Any]:
    _call, applications, proposed_list = in_publicity(count=1)
    objection = Objection.objects.create(
        proposed_list=proposed_list, application=applications[0], name="张三", contact="1", content="异议"
    )
    return {"objection_id": objection.pk, "body": {"outcome": "dismissed", "reason": "经核实不属实"}}


def approved_application(user: Any) -> dict[str, Any]:
    """An approved application of the acting enterprise (for the enterprise role) or of 浦东新区."""
    call = call_with_budget()
    enterprise = user.organisation.enterprise if user is not None and user.role == Role.ENTERPRISE else None
    application = in_review(call, enterprise=enterprise)
    propose(call, [application])
    proposed_list = publish(call)
    close_publicity(proposed_list)
    proposed_list_approve(actor=head(), call=call)
    return {"application_id": application.pk}


ENDPOINTS = [
    Endpoint("GET", BASE + "/calls/{call_id}/ranking", allowed=READERS, setup=ranking),
    Endpoint("PUT", BASE + "/applications/{application_id}/decision", allowed=MUNICIPAL, setup=decision),
    Endpoint("POST", BASE + "/calls/{call_id}/propose", allowed=HEAD, setup=proposable),
    Endpoint("POST", BASE + "/calls/{call_id}/publicity", allowed=HEAD, setup=proposed),
    Endpoint("POST", BASE + "/calls/{call_id}/approve", allowed=HEAD, setup=closed_publicity),
    Endpoint(
        "GET",
        BASE + "/applications/{application_id}/notice.pdf",
        allowed=NOTICE_READERS,
        setup=approved_application,
        denied_status=(404,),
    ),
    Endpoint("GET", BASE + "/public/publicity", allowed=ANYONE),
    Endpoint(
        "POST",
        BASE + "/publicity/{list_id}/objections",
        allowed=ANYONE,
        setup=current_publicity,
        body={"name": "公众", "contact": "13800000000", "content": "对名单有异议"},
        extra={"multipart": True},
    ),
    Endpoint("GET", BASE + "/objections", allowed=MUNICIPAL),
    Endpoint("POST", BASE + "/objections/{objection_id}/handle", allowed=OFFICER, setup=open_objection),
    Endpoint("GET", BASE + "/calendar-days?year=2027", allowed=SIGNED_IN),
    Endpoint(
        "POST",
        BASE + "/calendar-days",
        allowed=OFFICER,
        body={"year": 2027, "holidays": [dt.date(2027, 1, 1).isoformat()], "workdays": [], "note": ""},
    ),
]

test_api_permissions_decision = endpoint_matrix_test(ENDPOINTS)
