"""The one mechanism by which every list, export and statistic is limited to what a user may see.

Each business model's QuerySet subclasses :class:`ScopedQuerySet` and names the paths from its
rows to the owning enterprise organisation and to the district. ``visible_to(user)`` then returns:

============================  ==========================================================
role                          rows
============================  ==========================================================
enterprise                    rows of the user's own organisation
district officer / head,      rows in the user's district (属地原则)
district finance officer
municipal, finance, NDRC,     every row (NDRC and supervisors read only: writes are
supervisor                    refused by the permission checks, not by the scope)
expert                        rows assigned to the expert (``scope_expert_q``), else none
sysadmin, secadmin, auditor   no business rows at all (separation of duties)
============================  ==========================================================
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Self

from django.db import models

from jigai.accounts.choices import Role

if TYPE_CHECKING:
    from jigai.accounts.models import User


class Scope(enum.Enum):
    ALL = "all"
    DISTRICT = "district"
    OWN_ORGANISATION = "own_organisation"
    ASSIGNED = "assigned"
    NONE = "none"


ROLE_SCOPES: dict[str, Scope] = {
    Role.ENTERPRISE: Scope.OWN_ORGANISATION,
    Role.DISTRICT_OFFICER: Scope.DISTRICT,
    Role.DISTRICT_HEAD: Scope.DISTRICT,
    Role.MUNICIPAL_OFFICER: Scope.ALL,
    Role.MUNICIPAL_HEAD: Scope.ALL,
    Role.FINANCE_OFFICER: Scope.ALL,
    Role.DISTRICT_FINANCE_OFFICER: Scope.DISTRICT,
    Role.NDRC_VIEWER: Scope.ALL,
    Role.SUPERVISOR: Scope.ALL,
    Role.EXPERT: Scope.ASSIGNED,
    Role.AUDITOR: Scope.NONE,
    Role.SYSADMIN: Scope.NONE,
    Role.SECADMIN: Scope.NONE,
}


def scope_for(user: User | Any) -> Scope:
    """The business-data scope of a user; anonymous and inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    return ROLE_SCOPES.get(user.role, Scope.NONE)


class ScopedQuerySet(models.QuerySet):
    #: path from a row to the owning organisation's id (e.g. ``"enterprise__organisation_id"``)
    scope_organisation_field: str | None = None
    #: path from a row to its district code (e.g. ``"district_id"``)
    scope_district_field: str | None = None

    def scope_expert_q(self, user: User) -> models.Q | None:
        """Rows an expert is assigned to; models with expert assignments override this."""
        return None

    def visible_to(self, user: User | Any) -> Self:
        scope = scope_for(user)
        if scope is Scope.ALL:
            return self.all()
        if scope is Scope.DISTRICT and self.scope_district_field and user.district_id:
            return self.filter(**{self.scope_district_field: user.district_id})
        if scope is Scope.OWN_ORGANISATION and self.scope_organisation_field and user.organisation_id:
            return self.filter(**{self.scope_organisation_field: user.organisation_id})
        if scope is Scope.ASSIGNED:
            q = self.scope_expert_q(user)
            if q is not None:
                return self.filter(q)
        return self.none()
