"""Reads of accounts and organisations, scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jigai.accounts.choices import Role
from jigai.accounts.models import ApiToken, Organisation, User
from jigai.core.scoping import Scope, scope_for


def user_list(
    *,
    actor: Any,
    role: str | None = None,
    organisation: int | None = None,
    q: str | None = None,
) -> QuerySet[User]:
    """Account administration: the system and security administrators see every account; nobody
    else sees the account list. Optional filters: role, organisation id, ``q`` in account or name."""
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role in {Role.SYSADMIN, Role.SECADMIN}
    ):
        return User.objects.none()
    qs = User.objects.select_related("organisation")
    if role:
        qs = qs.filter(role=role)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if q and q.strip():
        q = q.strip()
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    return qs.order_by("username", "id")


def organisation_list(
    *,
    actor: Any,
    kind: str | None = None,
    district: str | None = None,
    q: str | None = None,
) -> QuerySet[Organisation]:
    """Organisations a user may see: account administrators and business readers of the whole city
    see all; a district sees those in its district; an enterprise (and an expert) only its own.
    Optional filters: kind, district code, ``q`` in the name or the exact credit code."""
    qs = _visible_organisations(actor).select_related("district")
    if kind:
        qs = qs.filter(kind=kind)
    if district:
        qs = qs.filter(district_id=district)
    if q and q.strip():
        q = q.strip()
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return qs.order_by("kind", "name", "id")


def _visible_organisations(actor: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if getattr(actor, "is_authenticated", False) and actor.is_active and actor.role == Role.SYSADMIN:
        return qs
    scope = scope_for(actor)
    if scope is Scope.ALL:
        return qs
    if scope is Scope.DISTRICT and actor.district_id:
        return qs.filter(district_id=actor.district_id)
    if scope in (Scope.OWN_ORGANISATION, Scope.ASSIGNED) and actor.organisation_id:
        return qs.filter(pk=actor.organisation_id)
    return qs.none()


def api_token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """A user's own tokens; the security administrator sees every token (to revoke)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ApiToken.objects.none()
    qs = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if actor.role == Role.SECADMIN:
        return qs
    return qs.filter(user=actor)
