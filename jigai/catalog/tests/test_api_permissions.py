"""Every catalog endpoint × every role (see jigai/core/testing/permissions.py).

Reads are public. Writes on a draft: the municipal officer may; the municipal head is refused with
the reason (403); every other role does not see the draft at all (404)."""

from __future__ import annotations

from jigai.accounts.choices import Role
from jigai.core.testing.factories import draft_catalog, published_catalog
from jigai.core.testing.permissions import ANYONE, Endpoint, endpoint_matrix_test

OFFICER = {Role.MUNICIPAL_OFFICER}
HEAD = {Role.MUNICIPAL_HEAD}
HIDDEN_OR_REFUSED = (403, 404)


def _catalog_exists(user):
    published_catalog()
    return {}


def _published(user):
    return {"id": published_catalog().pk}


def _draft(user):
    return {"id": draft_catalog(year=2027).pk}


def _draft_item(user):
    version = draft_catalog(year=2027)
    return {"id": version.pk, "item": version.items.get(code="1.4").pk}


ITEM = {
    "code": "1.9",
    "name": "新方向",
    "kind": "direction",
    "parent_code": "1",
    "group": "green",
    "industry_codes": ["34"],
}

ENDPOINTS = [
    Endpoint("GET", "/api/v1/catalog/versions", allowed=ANYONE, setup=_catalog_exists),
    Endpoint("GET", "/api/v1/catalog/versions/{id}", allowed=ANYONE, setup=_published),
    Endpoint("GET", "/api/v1/catalog/versions/{id}/export", allowed=ANYONE, setup=_published),
    Endpoint(
        "POST",
        "/api/v1/catalog/versions",
        allowed=OFFICER,
        body={"year": 2027, "title": "2027年目录", "from_defaults": True},
    ),
    Endpoint(
        "PATCH",
        "/api/v1/catalog/versions/{id}",
        allowed=OFFICER,
        setup=_draft,
        body={"title": "改名"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        "/api/v1/catalog/versions/{id}/publish",
        allowed=HEAD,
        setup=_draft,
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint("POST", "/api/v1/catalog/versions/{id}/copy", allowed=OFFICER, setup=_published, body={}),
    # The matrix sends JSON, so the allowed officer is told the file is missing (422) — after the
    # permission check; test_api.py uploads a real workbook.
    Endpoint(
        "POST",
        "/api/v1/catalog/versions/{id}/import",
        allowed=OFFICER,
        setup=_draft,
        ok_status=(422,),
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        "/api/v1/catalog/versions/{id}/items",
        allowed=OFFICER,
        setup=_draft,
        body=ITEM,
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "PUT",
        "/api/v1/catalog/versions/{id}/items/{item}",
        allowed=OFFICER,
        setup=_draft_item,
        body={**ITEM, "code": "1.4"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "DELETE",
        "/api/v1/catalog/versions/{id}/items/{item}",
        allowed=OFFICER,
        setup=_draft_item,
        denied_status=HIDDEN_OR_REFUSED,
    ),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
