"""Permission matrix tests: every API endpoint × every role (and anonymous).

Each app lists its endpoints in ``jigai/<app>/tests/test_api_permissions.py``::

    ENDPOINTS = [
        Endpoint("GET", "/api/v1/reference/districts", allowed=ANYONE),
        Endpoint("POST", "/api/v1/users", allowed={Role.SYSADMIN}, body={...}),
    ]
    test_api_permissions = endpoint_matrix_test(ENDPOINTS)

``endpoint_matrix_test`` makes one parametrised test case per (endpoint, role): an allowed role
must get a 2xx answer (or ``ok_status``), a signed-in role that is not allowed must get 403 with a
reason (or 404 when ``hidden=True``: rows outside the scope do not exist for that user), and the
anonymous visitor 401. ``jigai/core/tests/test_api_coverage.py`` fails when an operation of the
OpenAPI document appears in no ``ENDPOINTS`` list, so a new endpoint cannot ship without its row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from jigai.accounts.choices import Role

ANONYMOUS = "anonymous"
ALL_ROLES: tuple[str, ...] = tuple(Role.values)
ANYONE: frozenset[str] = frozenset({*ALL_ROLES, ANONYMOUS})
SIGNED_IN: frozenset[str] = frozenset(ALL_ROLES)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # may contain {placeholders} filled by ``setup``'s returned dict
    allowed: Iterable[str]
    body: dict[str, Any] | None = None
    #: builds what the call needs, given the acting user (None for anonymous); returns values for
    #: the path placeholders and optionally a "body" key that replaces ``body``
    setup: Callable[[Any], dict[str, Any]] | None = None
    ok_status: tuple[int, ...] = (200, 201, 204)
    denied_status: tuple[int, ...] = (403,)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _call(client: Any, endpoint: Endpoint, user: Any) -> Any:
    values = endpoint.setup(user) if endpoint.setup else {}
    body = values.pop("body", endpoint.body)
    path = endpoint.path.format(**values)
    method = getattr(client, endpoint.method.lower())
    headers = endpoint.extra.get("headers")  # e.g. an Idempotency-Key
    if body is None:
        return method(path, headers=headers)
    if endpoint.extra.get("multipart"):  # e.g. a file upload: the body's values are form fields and files
        return method(path, data=body, headers=headers)
    return method(path, data=body, content_type="application/json", headers=headers)


def endpoint_matrix_test(endpoints: list[Endpoint]) -> Any:
    cases = [pytest.param(e, r, id=f"{e.key}|{r}") for e in endpoints for r in (*ALL_ROLES, ANONYMOUS)]

    @pytest.mark.django_db
    @pytest.mark.parametrize(("endpoint", "role"), cases)
    def test(endpoint: Endpoint, role: str, client: Any) -> None:
        from jigai.core.testing.factories import user_for_role

        user = None
        if role != ANONYMOUS:
            user = user_for_role(role)
            client.force_login(user)
        response = _call(client, endpoint, user)
        allowed = set(endpoint.allowed)
        if role in allowed:
            assert response.status_code in endpoint.ok_status, (
                role,
                response.status_code,
                response.content[:300],
            )
        elif role == ANONYMOUS:
            assert response.status_code == 401, (response.status_code, response.content[:300])
            assert response.json()["code"] == "unauthenticated"
        else:
            assert response.status_code in endpoint.denied_status, (
                role,
                response.status_code,
                response.content[:300],
            )
            payload = response.json()
            assert payload["code"] in {"forbidden", "not_found"}
            assert payload["message"], "a refusal must say why"

    test.endpoints = endpoints
    return test
