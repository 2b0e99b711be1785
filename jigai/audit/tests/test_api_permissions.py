"""Permission matrix of /api/v1/audit: only the audit administrator (等保 2.0 三员分立); the system
and security administrators are refused like every business role."""

from __future__ import annotations

from typing import Any

from jigai.accounts.choices import Role
from jigai.core.testing.permissions import Endpoint, endpoint_matrix_test

AUDITOR_ONLY = {Role.AUDITOR}


def _one_event(user: Any) -> dict[str, Any]:
    from jigai.audit.services import audit_record

    return {"id": audit_record(actor=None, action="test.matrix").pk}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/audit/events", allowed=AUDITOR_ONLY, setup=_one_event),
    Endpoint("GET", "/api/v1/audit/events/{id}", allowed=AUDITOR_ONLY, setup=_one_event),
    Endpoint("POST", "/api/v1/audit/verify", allowed=AUDITOR_ONLY, body={}),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
