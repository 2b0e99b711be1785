"""Permission checks that say why.

A check returns a :class:`Decision`: ``allowed`` and, when refused, the reason in Chinese that the
UI shows on a disabled button and the API returns in the body. A check asks who may first (role,
scope: :func:`deny`, 403) and only then whether now (the object's state: :func:`not_now`, 422).
``require`` turns a refusal into :class:`PermissionRefused` (403; the request layer records every
refusal in the audit trail) or, for the state, a ``ValidationError`` (422).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core.text import join_list


class Decision(NamedTuple):
    allowed: bool
    reason: str = ""
    #: refused by the object's state ("whether now"), not by who the user is ("who may")
    not_now: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True, "")


def deny(reason: str) -> Decision:
    """Refused because of who the user is (role, scope): 403 with the reason."""
    return Decision(False, reason)


def not_now(reason: str) -> Decision:
    """The user may take the action, but not in the object's current state: 422 with the reason.
    A check asks who may first and returns this only after (issue 13: who may before whether now)."""
    return Decision(False, reason, not_now=True)


class PermissionRefused(PermissionDenied):
    """PermissionDenied with the reason and the action that was refused."""

    def __init__(self, reason: str, action: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action


class NotNow(ValidationError):
    """A ValidationError from a check that refused by the object's state (:func:`not_now`): 422 in
    the API; a page goes back with the reason as a message (see the PermissionRefused middleware)."""

    def __init__(self, reason: str, action: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action


def require(decision: Decision, action: str = "") -> None:
    """Refuse what ``decision`` refuses: who may as :class:`PermissionRefused` (403), whether now
    as a ``ValidationError`` (422)."""
    if not decision.allowed:
        if decision.not_now:
            raise NotNow(decision.reason, action)
        raise PermissionRefused(decision.reason, action)


def has_role(user: Any, roles: Iterable[str], what: str) -> Decision:
    """Allowed when the user is signed in, active and holds one of ``roles``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return deny(_("请先登录。"))
    if not user.is_active:
        return deny(_("账户已停用。"))
    role_set = set(roles)
    if user.role in role_set:
        return ALLOW
    names = join_list(str(Role(r).label) for r in roles)
    return deny(_("只有%(roles)s可以%(what)s。") % {"roles": names, "what": what})
