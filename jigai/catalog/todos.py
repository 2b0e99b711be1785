"""The commission's to-do on its home page: catalog drafts (to finish, or to publish)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.models import CatalogVersion
from jigai.core.todos import Todo


def catalog_drafts(user: Any) -> Todo | None:
    count = CatalogVersion.objects.visible_to(user).filter(status=CatalogStatus.DRAFT).count()
    if not count:
        return None
    label = _("待发布的支持目录草稿") if user.role == Role.MUNICIPAL_HEAD else _("起草中的支持目录")
    return Todo(key="catalog_drafts", label=label, count=count, url=reverse("catalog:index"))
