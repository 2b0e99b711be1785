"""The State Council's holiday schedule as entered by officials, for years the calendar library
does not know yet.

The tables keep the names they had in the review app (``review_…``): the models moved here
without moving any data (see migrations/0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jigai.workdays.choices import CalendarDayKind


class CalendarDay(models.Model):
    """A day of the State Council's holiday schedule entered by an official, for a year the calendar
    library does not know yet (holidays, and the weekend days made working days, 调休)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=CalendarDayKind.choices)
    note = models.CharField("说明", max_length=60, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.calendarday"

    class Meta:
        db_table = "review_calendarday"
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
