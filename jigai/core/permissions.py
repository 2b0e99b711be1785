"""Permission checks that say why.

A check returns a :class:`Decision`: ``allowed`` and, when refused, the reason in Chinese that the
UI shows on a disabled button and the API returns in the 403 body. ``require`` turns a refusal
into :class:`PermissionDenied` carrying the reason; the request layer records every refusal in
the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core.text import join_list


class Decision(NamedTuple):
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True, "")


def deny(reason: str) -> Decision:
    return Decision(False, reason)


class PermissionRefused(PermissionDenied):
    """PermissionDenied with the reason and the action that was refused."""

    def __init__(self, reason: str, action: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action


def require(decision: Decision, action: str = "") -> None:
    if not decision.allowed:
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
