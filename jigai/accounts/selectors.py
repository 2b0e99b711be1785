"""Reads of accounts and organisations, scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jigai.accounts.choices import Role
from jigai.accounts.models import ApiToken, Organisation, User
from jigai.core.scoping import Scope, scope_for


def user_list(*, actor: Any) -> QuerySet[User]:
    """Account administration: the system and security administrators see every account; nobody
    else sees the account list."""
    if getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in {Role.SYSADMIN,
                                                                                         Role.SECADMIN}:
        return User.objects.select_related("organisation").order_by("username")
    return User.objects.none()


def organisation_list(*, actor: Any) -> QuerySet[Organisation]:
    """Organisations a user may see: account administrators and business readers of the whole city
    see all; a district sees those in its district; an enterprise only its own."""
    qs = Organisation.objects.select_related("district")
    if getattr(actor, "is_authenticated", False) and actor.is_active and actor.role == Role.SYSADMIN:
        return qs.all()
    scope = scope_for(actor)
    if scope is Scope.ALL:
        return qs.all()
    if scope is Scope.DISTRICT and actor.district_id:
        return qs.filter(district_id=actor.district_id)
    if scope in (Scope.OWN_ORGANISATION, Scope.ASSIGNED) and actor.organisation_id:
        return qs.filter(pk=actor.organisation_id)
    return qs.none()


def api_token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """A user's own tokens; the security administrator sees every token (to revoke)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ApiToken.objects.none()
    qs = ApiToken.objects.select_related("user")
    if actor.role == Role.SECADMIN:
        return qs.all()
    return qs.filter(user=actor)
