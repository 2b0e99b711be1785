"""``manage.py audit_key_rotate``: a new HMAC-SM3 key for the audit chain.

Appends a new key to ``JIGAI_AUDIT_KEY_FILE``; new events and checkpoints are signed with it, older
ones keep verifying with the keys before it (never delete a key while events it signed are kept).
The rotation is itself an audit event, signed with the new key. With ``JIGAI_AUDIT_KEYS`` set in
the environment, add the new key at the end of that variable instead and restart.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jigai.audit import keys
from jigai.audit.services import audit_record


class Command(BaseCommand):
    help = "为审计链生成新的 HMAC-SM3 密钥（旧密钥保留用于校验旧事件），并记入审计日志。"

    def handle(self, *args: Any, **options: Any) -> None:
        previous = keys.keyring().current_id
        try:
            key_id = keys.rotate()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from exc
        audit_record(
            actor=None,
            action="audit.key_rotate",
            object_type="audit.key",
            object_id=key_id,
            object_repr=key_id,
            changes={"key_id": {"before": previous, "after": key_id}},
            message=_("审计链签名密钥已轮换"),
        )
        self.stdout.write(_("审计链签名密钥已轮换：%(old)s → %(new)s") % {"old": previous, "new": key_id})
