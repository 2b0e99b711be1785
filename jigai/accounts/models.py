"""Organisations, users with one role each, and personal API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from jigai.accounts.choices import DISTRICT_ROLES, MUNICIPAL_ROLES, OrganisationKind, Role

# Roles whose business scope is one district: the district bureau's officer and head, and the
# district finance bureau's officer (who sees and pays its district's share only).
_DISTRICT_SCOPED_ROLES = DISTRICT_ROLES | {Role.DISTRICT_FINANCE_OFFICER}


class Organisation(models.Model):
    """Any body that takes part: an enterprise, a district bureau, a commission, an expert's employer."""

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("机构类型", max_length=30, choices=OrganisationKind.choices, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    district = models.ForeignKey(
        "reference.District",
        verbose_name="所在区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    related_organisations = models.ManyToManyField(
        "self",
        verbose_name="关联机构",
        blank=True,
        symmetrical=True,
        help_text="控股、投资或其他关联关系，用于专家回避",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "机构"
        verbose_name_plural = "机构"
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(kind="district_bureau"),
                name="one_bureau_per_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="district_bureau") | models.Q(district__isnull=False),
                name="district_bureau_has_district",
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(kind="district_finance_bureau"),
                name="one_finance_bureau_per_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="district_finance_bureau") | models.Q(district__isnull=False),
                name="district_finance_bureau_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with exactly one role in one organisation (separation of duties)."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices, db_index=True)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def password_expires_at(self) -> datetime | None:
        """When the password must be changed (``JIGAI_PASSWORD_MAX_AGE_DAYS``; None: never)."""
        days = settings.JIGAI_PASSWORD_MAX_AGE_DAYS
        since = self.password_changed_at or self.date_joined
        if not days or since is None:
            return None
        return since + timedelta(days=days)

    @property
    def password_expired(self) -> bool:
        expires = self.password_expires_at
        return expires is not None and expires <= timezone.now()

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def district_id(self) -> str | None:
        """The district a district officer, head or district finance officer works for, else None."""
        if self.role in _DISTRICT_SCOPED_ROLES and self.organisation is not None:
            return self.organisation.district_id
        return None

    @property
    def is_municipal(self) -> bool:
        return self.role in MUNICIPAL_ROLES


class ApiToken(models.Model):
    """A personal API token for integrations. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class PasswordHistory(models.Model):
    """The hashes of a user's past passwords, so that the last few cannot be used again."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
