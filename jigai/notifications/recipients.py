"""Who is told: the users who must act next on an application, or must learn the outcome.

The workflow table names these per transition (``Transition.notify`` in
jigai/applications/workflow.py and the stages' workflow.py); steps that are not transitions (a
recommendation document prepared or signed, experts drawn) use them with
:func:`jigai.notifications.services.notify`. They read the application's district and enterprise
only, so this app needs none of the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import User

#: a function giving the users to tell about an application
Recipients = Callable[[Any], QuerySet[User]]


def _active(role: str) -> QuerySet[User]:
    return User.objects.filter(role=role, is_active=True)


def district_officers(application: Any) -> QuerySet[User]:
    """The officers of the bureau of the application's district (属地原则)."""
    return _active(Role.DISTRICT_OFFICER).filter(
        organisation__kind=OrganisationKind.DISTRICT_BUREAU, organisation__district_id=application.district_id
    )


def district_heads(application: Any) -> QuerySet[User]:
    return _active(Role.DISTRICT_HEAD).filter(
        organisation__kind=OrganisationKind.DISTRICT_BUREAU, organisation__district_id=application.district_id
    )


def enterprise_users(application: Any) -> QuerySet[User]:
    """The users of the applicant enterprise."""
    return _active(Role.ENTERPRISE).filter(organisation_id=application.enterprise.organisation_id)


def municipal_officers(application: Any = None) -> QuerySet[User]:
    return _active(Role.MUNICIPAL_OFFICER)


def municipal_heads(application: Any = None) -> QuerySet[User]:
    return _active(Role.MUNICIPAL_HEAD)


#: action → who must act next (or must learn the outcome). Not listed: nobody is told. The district
#: recommendation is announced to the municipal officers once per signed document, by
