"""Permission matrix of the accounts API: /tokens, /users, /organisations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.services import api_token_create
from jigai.core.testing.factories import TEST_PASSWORD, EnterpriseFactory, UserFactory, user_for_role
from jigai.core.testing.permissions import SIGNED_IN, Endpoint, endpoint_matrix_test

ACCOUNT_ADMINS = {Role.SYSADMIN, Role.SECADMIN}


def _own_token(user: Any) -> dict[str, Any]:
    owner = user or UserFactory.create()
    token, _ = api_token_create(actor=owner, name="自己的令牌", days=30)
    return {"token_id": token.pk}


def _someone_elses_token(user: Any) -> dict[str, Any]:
    token, _ = api_token_create(actor=UserFactory.create(), name="别人的令牌", days=30)
    return {"token_id": token.pk}


def _new_account(user: Any) -> dict[str, Any]:
    return {
        "body": {
            "username": "new.enterprise.user",
            "password": TEST_PASSWORD,
            "role": Role.ENTERPRISE,
            "organisation": EnterpriseFactory.create().organisation_id,
            "display_name": "王芳",
        }
    }


def _business_account(user: Any) -> dict[str, Any]:
    return {"user_id": user_for_role(Role.EXPERT, username="target.expert").pk}


def _locked_account(user: Any) -> dict[str, Any]:
    target = user_for_role(Role.DISTRICT_OFFICER, username="locked.officer")
    target.locked_until = timezone.now() + timedelta(minutes=20)
    target.save(update_fields=["locked_until"])
    return {"user_id": target.pk}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/tokens", allowed=SIGNED_IN),
    Endpoint("POST", "/api/v1/tokens", allowed=SIGNED_IN, body={"name": "区统计系统对接", "days": 90}),
    # Anyone may revoke their own token ...
    Endpoint("DELETE", "/api/v1/tokens/{token_id}", allowed=SIGNED_IN, setup=_own_token),
    # ... only the security administrator someone else's (for others it does not exist).
    Endpoint(
        "DELETE",
        "/api/v1/tokens/{token_id}",
        allowed={Role.SECADMIN},
        setup=_someone_elses_token,
        denied_status=(404,),
    ),
    Endpoint("GET", "/api/v1/users", allowed=ACCOUNT_ADMINS),
    Endpoint("POST", "/api/v1/users", allowed={Role.SYSADMIN}, setup=_new_account),
    Endpoint(
        "POST",
        "/api/v1/users/{user_id}/deactivate",
        allowed={Role.SYSADMIN},
        setup=_business_account,
        body={"reason": "离职"},
    ),
    Endpoint(
        "POST",
        "/api/v1/users/{user_id}/activate",
        allowed={Role.SYSADMIN},
        setup=_business_account,
        body={"reason": "复职"},
    ),
    Endpoint("POST", "/api/v1/users/{user_id}/unlock", allowed={Role.SECADMIN}, setup=_locked_account),
    Endpoint("GET", "/api/v1/organisations", allowed=SIGNED_IN),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
