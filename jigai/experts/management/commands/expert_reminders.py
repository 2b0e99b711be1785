"""``manage.py expert_reminders``: remind the experts who have not scored once two thirds of the
time to their panel's deadline have passed (e.g. hourly from cron; each assignment is reminded
once by this command, the officer can remind again from the panel page)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jigai.experts.reminders import expert_reminders_send


class Command(BaseCommand):
    help = "催办已过评审期三分之二仍未完成评分的评审专家（站内通知和电子邮件）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = expert_reminders_send()
        self.stdout.write(_("已催办 %(n)d 位专家。") % {"n": count})
