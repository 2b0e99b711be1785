"""Kinds of days in the holiday schedule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休）")
    WORKDAY = "workday", _("调休上班日")
