"""The append-only, hash-chained audit trail (等保 2.0 安全审计).

Rows are written only by :func:`jigai.audit.services.audit_record`. The database refuses UPDATE
and DELETE on this table (triggers, see migration 0002). Actor and organisation are kept as
plain values, not foreign keys, so that no cascade can ever touch a row.
"""

from __future__ import annotations

from django.db import models

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome


class AuditEvent(models.Model):
    seq = models.BigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人 ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    organisation_id = models.BigIntegerField("机构 ID", null=True, blank=True)
    organisation_name = models.CharField("机构", max_length=200, blank=True)
    role = models.CharField("角色", max_length=30, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True, db_index=True)
    object_id = models.CharField("对象 ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    changes = models.JSONField("变更（前值/后值）", default=dict, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    message = models.TextField("说明", blank=True)
    # NULL when there is no client (a command, a task).
    ip_address = models.CharField("IP 地址", max_length=45, null=True, blank=True)  # noqa: DJ001
    request_id = models.CharField("请求 ID", max_length=64, blank=True)
    channel = models.CharField("渠道", max_length=10, blank=True)
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    #: the key that signed ``hash`` (HMAC-SM3, jigai.audit.keys); empty for the unkeyed events
    #: written before the chain was keyed
    key_id = models.CharField("签名密钥", max_length=16, blank=True, default="")
    hash = models.CharField("SM3 哈希", max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # The auditor's filters (jigai.audit.selectors.audit_event_list).
            models.Index(fields=["actor_username", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["outcome", "occurred_at"], name="audit_outcome_time"),
            models.Index(fields=["ip_address"], name="audit_ip"),
            models.Index(fields=["request_id"], name="audit_request"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from jigai.audit.labels import action_label

        return action_label(self.action)

    @property
    def role_label(self) -> str:
        """The role's name as the actor held it (the raw value if the role no longer exists)."""
        return str(Role(self.role).label) if self.role in Role.values else self.role
