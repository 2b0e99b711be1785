"""Permission matrix of the enterprises API."""

from __future__ import annotations

from typing import Any

from jigai.accounts.choices import Role
from jigai.core.testing.factories import EnterpriseFactory
from jigai.core.testing.permissions import ANYONE, SIGNED_IN, Endpoint, endpoint_matrix_test
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data

CITY_WIDE = {
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
}


def _enterprise_in_scope(user: Any) -> dict[str, Any]:
    """The enterprise user's own enterprise; for everyone else one in 浦东新区 (the district of the
    matrix's district roles)."""
    if user is not None and user.role == Role.ENTERPRISE:
        return {"enterprise_id": user.organisation.enterprise.pk}
    return {"enterprise_id": EnterpriseFactory.create(district_code="310115").pk}


def _enterprise_elsewhere(user: Any) -> dict[str, Any]:
    return {"enterprise_id": EnterpriseFactory.create(district_code="310104").pk}


def _pending_in_scope(user: Any) -> dict[str, Any]:
    """A registration awaiting confirmation: the enterprise user's own, else one in 浦东新区."""
    if user is not None and user.role == Role.ENTERPRISE:
        enterprise = user.organisation.enterprise
        enterprise.status = EnterpriseStatus.PENDING
        enterprise.save(update_fields=["status"])
    else:
        enterprise = EnterpriseFactory.create(district_code="310115", status=EnterpriseStatus.PENDING)
    return {"enterprise_id": enterprise.pk}


def _pending_elsewhere(user: Any) -> dict[str, Any]:
    enterprise = EnterpriseFactory.create(district_code="310104", status=EnterpriseStatus.PENDING)
    return {"enterprise_id": enterprise.pk}


def _registration(user: Any) -> dict[str, Any]:
    return {"body": {**registration_data(), **account_data()}}


def _new_colleague(user: Any) -> dict[str, Any]:
    account = account_data(password=GOOD_PASSWORD)
    return {"body": {k: account[k] for k in ("username", "password", "display_name", "phone")}}


PROFILE_CHANGE = {"contact_name": "周敏", "contact_phone": "13900001111"}
DISTRICT_DECIDERS = {Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD}
# Deciding on a registration: the enterprise itself and the city-wide roles see it and are told
# why not (403); the roles that do not see it do not find it (404).
DECISION_DENIED = (403, 404)

ENDPOINTS = [
    # Every signed-in user may list; the list holds only what their scope allows (admins: none).
    Endpoint("GET", "/api/v1/enterprises", allowed=SIGNED_IN),
    # Outside the scope an enterprise does not exist (404), so its existence is not revealed.
    Endpoint(
        "GET",
        "/api/v1/enterprises/{enterprise_id}",
        allowed={
            Role.ENTERPRISE,
            Role.DISTRICT_OFFICER,
            Role.DISTRICT_HEAD,
            Role.DISTRICT_FINANCE_OFFICER,
            *CITY_WIDE,
        },
        setup=_enterprise_in_scope,
        denied_status=(404,),
    ),
    Endpoint(
        "GET",
        "/api/v1/enterprises/{enterprise_id}",
        allowed=CITY_WIDE,
        setup=_enterprise_elsewhere,
        denied_status=(404,),
    ),
    # Public self-registration: anyone, signed in or not (the rate limit is tested in test_api_registration).
    Endpoint("POST", "/api/v1/enterprises/register", allowed=ANYONE, setup=_registration, ok_status=(201,)),
    Endpoint(
        "POST",
        "/api/v1/enterprises/{enterprise_id}/confirm",
        allowed=DISTRICT_DECIDERS,
        setup=_pending_in_scope,
        denied_status=DECISION_DENIED,
    ),
    # Another district's registration: nobody here may decide, its district roles do not find it.
    Endpoint(
        "POST",
        "/api/v1/enterprises/{enterprise_id}/confirm",
        allowed=set(),
        setup=_pending_elsewhere,
        denied_status=DECISION_DENIED,
    ),
    Endpoint(
        "POST",
        "/api/v1/enterprises/{enterprise_id}/reject",
        allowed=DISTRICT_DECIDERS,
        setup=_pending_in_scope,
        body={"reason": "营业收入与财务报表不符，请核实后重新提交"},
        denied_status=DECISION_DENIED,
    ),
    Endpoint("GET", "/api/v1/enterprises/me", allowed={Role.ENTERPRISE}),
    Endpoint("PUT", "/api/v1/enterprises/me", allowed={Role.ENTERPRISE}, body=PROFILE_CHANGE),
    Endpoint("GET", "/api/v1/enterprises/me/users", allowed={Role.ENTERPRISE}),
    Endpoint(
        "POST",
        "/api/v1/enterprises/me/users",
        allowed={Role.ENTERPRISE},
        setup=_new_colleague,
        ok_status=(201,),
    ),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
