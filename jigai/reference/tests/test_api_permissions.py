"""Permission matrix of /api/v1/reference: every endpoint × every role and the anonymous visitor."""

from __future__ import annotations

from typing import Any

from jigai.accounts.choices import Role
from jigai.core.testing.permissions import ANYONE, Endpoint, endpoint_matrix_test

EXCEPTION_ROLES = {Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD}


def _one_exception(user: Any) -> dict[str, Any]:
    """A stored exception, so that the list has a row to show (or to hide)."""
    from jigai.core.testing.factories import user_for_role
    from jigai.enterprises.services import credit_code_exception_accept

    credit_code_exception_accept(
        actor=user_for_role(Role.MUNICIPAL_OFFICER),
        code="91310000132149237H",
        reason="已核对营业执照原件，早期赋码。",
    )
    return {}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/reference/districts", allowed=ANYONE),
    Endpoint("GET", "/api/v1/reference/industries", allowed=ANYONE),
    Endpoint(
        "POST", "/api/v1/reference/credit-code/check", allowed=ANYONE, body={"code": "91310000132149237G"}
    ),
    Endpoint(
        "POST",
        "/api/v1/reference/project-code/check",
        allowed=ANYONE,
        body={"code": "2026-310115-34-03-012345"},
    ),
    Endpoint(
        "POST",
        "/api/v1/reference/enterprise-size",
        allowed=ANYONE,
        body={"employees": 350, "operating_revenue": "52000.00"},
    ),
    Endpoint(
        "GET", "/api/v1/reference/credit-code-exceptions", allowed=EXCEPTION_ROLES, setup=_one_exception
    ),
    Endpoint(
        "POST",
        "/api/v1/reference/credit-code-exceptions",
        allowed=EXCEPTION_ROLES,
        body={"code": "91310000132149237H", "reason": "已核对营业执照原件，早期赋码。"},
    ),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
