"""Every calls endpoint × every role (see jigai/core/testing/permissions.py).

Reads are public. Writes on a draft: the municipal officer drafts and edits, the municipal head
publishes; the other municipal role is refused with the reason (403) and every other role does not
see the draft (404). A published call is public, so writes on it are refused (403) for all."""

from __future__ import annotations

from jigai.accounts.choices import Role
from jigai.core.testing.factories import closed_call, draft_call, published_catalog
from jigai.core.testing.permissions import ANYONE, Endpoint, endpoint_matrix_test

OFFICER = {Role.MUNICIPAL_OFFICER}
HEAD = {Role.MUNICIPAL_HEAD}
HIDDEN_OR_REFUSED = (403, 404)


def _call_exists(user):
    closed_call()
    return {}


def _published(user):
    return {"id": closed_call().pk}


def _draft(user):
    return {"id": draft_call().pk}


def _create_body(user):
    return {
        "body": {
            "catalog_version_id": published_catalog().pk,
            "title": "2027年度申报通知",
            "opens_at": "2027-01-20T00:00:00",
            "closes_at": "2027-02-04T16:00:00",
            "district_forward_date": "2027-02-06",
        }
    }


ENDPOINTS = [
    Endpoint("GET", "/api/v1/calls", allowed=ANYONE, setup=_call_exists),
    Endpoint("GET", "/api/v1/calls/{id}", allowed=ANYONE, setup=_published),
    Endpoint("POST", "/api/v1/calls", allowed=OFFICER, setup=_create_body),
    Endpoint(
        "PATCH",
        "/api/v1/calls/{id}",
        allowed=OFFICER,
        setup=_draft,
        body={"title": "新标题"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "PATCH",
        "/api/v1/calls/{id}/rules",
        allowed=OFFICER,
        setup=_draft,
        body={"support_rate": "0.08"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST", "/api/v1/calls/{id}/publish", allowed=HEAD, setup=_draft, denied_status=HIDDEN_OR_REFUSED
    ),
    Endpoint(
        "POST",
        "/api/v1/calls/{id}/rules/revise",
        allowed=HEAD,
        setup=_published,
        body={"note": "上限调整", "cap_per_project": "80000000"},
    ),
    Endpoint(
        "POST", "/api/v1/calls/{id}/cancel", allowed=HEAD, setup=_published, body={"reason": "政策调整"}
    ),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
