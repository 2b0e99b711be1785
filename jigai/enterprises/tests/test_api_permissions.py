"""Permission matrix of the enterprises API."""

from __future__ import annotations

from typing import Any

from jigai.accounts.choices import Role
from jigai.core.testing.factories import EnterpriseFactory
from jigai.core.testing.permissions import SIGNED_IN, Endpoint, endpoint_matrix_test

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


ENDPOINTS = [
    # Every signed-in user may list; the list holds only what their scope allows (admins: none).
    Endpoint("GET", "/api/v1/enterprises", allowed=SIGNED_IN),
    # Outside the scope an enterprise does not exist (404), so its existence is not revealed.
    Endpoint(
        "GET",
        "/api/v1/enterprises/{enterprise_id}",
        allowed={Role.ENTERPRISE, Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, *CITY_WIDE},
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
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
