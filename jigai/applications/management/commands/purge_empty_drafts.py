"""``manage.py purge_empty_drafts``: delete the drafts nobody ever filled whose call has closed
(e.g. daily from cron; see :func:`jigai.applications.services.application_drafts_purge`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jigai.applications.services import application_drafts_purge


class Command(BaseCommand):
    help = "删除申报期已截止、从未保存也未上传文件的空白草稿（留有审计记录）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = application_drafts_purge()
        self.stdout.write(_("已删除 %(n)d 份空白草稿。") % {"n": count})
