"""Reference numbers of submitted applications: ``JG{year}-{district code}-{5-digit serial}``.

The serial runs per year and district (the number names only the year, so two calls of the same
year share one series and can never produce the same number). It is taken from a counter row that
the submission increments with an UPDATE: the row stays locked until the submission commits, so
concurrent submissions queue on it one at a time (PostgreSQL row lock; on SQLite every write
transaction is already serialised) and no number is lost or given twice. A number found already
in use (e.g. loaded by a data import that bypassed the counter) is skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jigai.applications.models import Application, ReferenceCounter

MAX_SERIAL = 99_999


def format_reference_number(year: int, district_code: str, serial: int) -> str:
    return f"JG{year}-{district_code}-{serial:05d}"


def next_reference_number(*, year: int, district_code: str) -> str:
    """Take the next free number of the year and district; call inside the submission's transaction."""
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(year=year, district_id=district_code)
    counter = ReferenceCounter.objects.filter(year=year, district_id=district_code)
    while True:
        counter.update(last_serial=F("last_serial") + 1)
        serial = counter.values_list("last_serial", flat=True).get()
        if serial > MAX_SERIAL:
            raise ValidationError(
                _("%(year)d 年本区的申报编号已用完（上限 %(max)d 个），请联系系统管理员。")
                % {"year": year, "max": MAX_SERIAL}
            )
        number = format_reference_number(year, district_code, serial)
        if not Application.objects.filter(reference_number=number).exists():
            return number


def assign_reference_number(application: Application, ctx: Any) -> list[str]:
    """Effect of the ``submit`` transition. An application keeps the number it was first given."""
    if application.reference_number:
        return []
    application.reference_number = next_reference_number(
        year=application.call.year, district_code=application.district_id
    )
    return ["reference_number"]
