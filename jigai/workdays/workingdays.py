"""Working days (工作日) on the Chinese calendar, for the publicity period (rules.md §3: 5 working
days by default, counting public holidays and the weekend days made working days, 调休).

Where a day's kind comes from, in this order:

1. a :class:`~jigai.workdays.models.CalendarDay` an official entered for that date (the State
   Council's schedule for a year the library does not know yet, or a correction);
2. the ``chinese_calendar`` library, for the years it knows (1.11.0 knows 2004–2026 and raises
   ``NotImplementedError`` for later years);
3. otherwise the weekends and the statutory holidays whose dates the law fixes
   (:func:`jigai.reference.holidays.statutory_holidays`: 元旦, the four days of 春节, 清明, 劳动节,
   端午, 中秋, 国庆, the lunar ones and Qingming from a calendar library). A year reaches this rule
   only when the library does not know it, and a count that used it for a year no official has
   entered is marked **provisional** (the closing date shown as 待定): only the State Council's
   bridging days and make-up working days (调休) are unknown then. It must never fail: the State
   Council publishes each next year's schedule around November and officials enter it here.

A period of ``n`` working days starting on ``start_date`` runs over the first ``n`` working days
on or after ``start_date`` (the start day counts when it is a working day); publicity closes at
23:59:59 Shanghai time on its last working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.services import audit_record
from jigai.core.permissions import Decision, has_role, require
from jigai.core.text import join_list
from jigai.reference.holidays import FIRST_YEAR as HOLIDAY_RULES_FROM
from jigai.reference.holidays import statutory_holidays
from jigai.workdays.choices import CalendarDayKind
from jigai.workdays.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: how far a count may run before it is refused as nonsense (a year of working days and more)
MAX_WORKING_DAYS = 366


def library_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` has the State Council's schedule for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkingCalendar:
    """The calendar of a span of years, read once: the officials' entries of those years and the
    library's knowledge of each year. ``provisional`` turns True as soon as a day of a year nobody
    knows is judged (weekends-only rule)."""

    entered: dict[dt.date, str] = field(default_factory=dict)
    entered_years: set[int] = field(default_factory=set)
    known_years: dict[int, bool] = field(default_factory=dict)
    provisional: bool = False

    @classmethod
    def load(cls, years: Iterable[int]) -> WorkingCalendar:
        years = sorted(set(years))
        rows = CalendarDay.objects.filter(date__year__gte=years[0], date__year__lte=years[-1]).values_list(
            "date", "kind"
        )
        entered = dict(rows)
        return cls(entered=entered, entered_years={d.year for d in entered})

    def _library_knows(self, year: int) -> bool:
        if year not in self.known_years:
            self.known_years[year] = library_knows(year)
        return self.known_years[year]

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.entered.get(day)
        if kind is not None:
            return kind == CalendarDayKind.WORKDAY
        if self._library_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year not in self.entered_years:
            self.provisional = True
        # (Years before the 2024 rules that the library does not know are far in the past.)
        fixed = statutory_holidays(day.year) if day.year >= HOLIDAY_RULES_FROM else {}
        return day.weekday() < 5 and day not in fixed


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day (see the module docs for where the answer comes from)."""
    return WorkingCalendar.load([day.year]).is_working_day(day)


def add_working_days(start_date: dt.date, n: int) -> tuple[dt.date, bool]:
    """The last day of a period of ``n`` working days starting on ``start_date``, and whether it is
    provisional (a day of a year whose holiday schedule nobody knows was counted by the weekends and
    the statutory holidays only).

    ``add_working_days(date(2026, 2, 13), 5)`` → ``(date(2026, 2, 26), False)``: Friday the 13th,
    the make-up Saturday 14th, then the Spring Festival holiday to the 23rd, then 24th–26th."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if n > MAX_WORKING_DAYS:
        raise ValueError(f"n must be at most {MAX_WORKING_DAYS}")
    # n working days fit in n weeks plus the longest holiday; read every year that may touch.
    horizon = start_date + dt.timedelta(days=n * 7 + 21)
    calendar = WorkingCalendar.load(range(start_date.year, horizon.year + 1))
    day, counted = start_date, 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted == n:
                return day, calendar.provisional
        day += dt.timedelta(days=1)


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 Shanghai time of ``day``, as an aware datetime in UTC."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC)


def publicity_closing(start_date: dt.date, working_days: int) -> tuple[dt.datetime, bool]:
    """When a publicity of ``working_days`` starting on ``start_date`` closes (end of its last
    working day, UTC) and whether that date is provisional."""
    last_day, provisional = add_working_days(start_date, working_days)
    return end_of_day(last_day), provisional


# --- officials' entries -------------------------------------------------------------------------
def can_enter_calendar(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("录入节假日安排"))


def _parse_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年份应在 2000 至 2100 之间。")})
    return year


def calendar_day_set(*, actor: Any, date: dt.date, kind: str | None, note: str = "") -> CalendarDay | None:
    """Enter one day of the State Council's holiday schedule (kind ``holiday`` or ``workday``, the
    latter a weekend day made a working day, 调休), or remove the entry (``kind=None``). The
    municipal officer only; audited. Lists in publicity whose closing date was provisional are
    counted again (the others keep the closing date they were published with)."""
    require(can_enter_calendar(actor), "review.calendar_day_set")
    if kind is not None and kind not in CalendarDayKind.values:
        raise ValidationError({"kind": _("类型应为“法定节假日”或“调休上班日”。")})
    note = (note or "").strip()[:60]
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = {"kind": existing.kind, "note": existing.note} if existing else None
        if kind is None:
            if existing is not None:
                existing.delete()
            result = None
            after = None
        else:
            result, _created = CalendarDay.objects.update_or_create(
                date=date, defaults={"kind": kind, "note": note, "entered_by": actor}
            )
            after = {"kind": kind, "note": note}
        if before != after:
            audit_record(
                actor=actor,
                action="review.calendar_day_set",
                object_type="review.calendarday",
                object_repr=date.isoformat(),
                changes={date.isoformat(): {"before": before, "after": after}},
            )
            _recount(actor)
    return result


#: what is counted again when an official enters a year's schedule: the decisions app registers its
#: provisional publicity closings from its ``AppConfig.ready`` (this low app may not import it)
Recount = Callable[..., Any]
_RECOUNTS: list[Recount] = []


def register_recount(recount: Recount) -> None:
    """``recount(actor=…)`` runs after every change of the entered schedule, in its transaction."""
    if recount not in _RECOUNTS:
        _RECOUNTS.append(recount)


def _recount(actor: Any) -> None:
    for recount in _RECOUNTS:
        recount(actor=actor)


def calendar_year_set(
    *, actor: Any, year: int, holidays: Iterable[dt.date], workdays: Iterable[dt.date], note: str = ""
) -> list[CalendarDay]:
    """Enter a whole year's schedule at once, replacing what was entered for that year: the public
    holidays (weekend days inside a holiday included, as the schedule lists them) and the weekend
    days made working days (调休). Refuses dates outside the year, a date given as both, and a
    make-up working day that is not a Saturday or Sunday. Lists in publicity whose closing date was
    provisional are counted again."""
    require(can_enter_calendar(actor), "review.calendar_day_set")
    year = _parse_year(year)
    holiday_set, workday_set = set(holidays), set(workdays)
    errors: dict[str, list[str]] = {}
    outside = sorted(d for d in holiday_set | workday_set if d.year != year)
    if outside:
        errors.setdefault("year", []).append(
            _("以下日期不在 %(y)d 年内：%(d)s。")
            % {"y": year, "d": join_list(d.isoformat() for d in outside)}
        )
    both = sorted(holiday_set & workday_set)
    if both:
        errors.setdefault("workdays", []).append(
            _("以下日期同时填为节假日和调休上班日：%(d)s。") % {"d": join_list(d.isoformat() for d in both)}
        )
    weekdays = sorted(d for d in workday_set if d.weekday() < 5)
    if weekdays:
        errors.setdefault("workdays", []).append(
            _("调休上班日应为周六或周日，以下日期本来就是工作日：%(d)s。")
            % {"d": join_list(d.isoformat() for d in weekdays)}
        )
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()[:60]
    with transaction.atomic():
        existing = list(CalendarDay.objects.select_for_update().filter(date__year=year))
        before = {
            "holidays": sorted(d.date.isoformat() for d in existing if d.kind == CalendarDayKind.HOLIDAY),
            "workdays": sorted(d.date.isoformat() for d in existing if d.kind == CalendarDayKind.WORKDAY),
        }
        CalendarDay.objects.filter(date__year=year).delete()
        rows = CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=d, kind=CalendarDayKind.HOLIDAY, note=note, entered_by=actor)
                for d in holiday_set
            ]
            + [
                CalendarDay(date=d, kind=CalendarDayKind.WORKDAY, note=note, entered_by=actor)
                for d in workday_set
            ]
        )
        after = {
            "holidays": sorted(d.isoformat() for d in holiday_set),
            "workdays": sorted(d.isoformat() for d in workday_set),
        }
        audit_record(
            actor=actor,
            action="review.calendar_year_set",
            object_type="review.calendarday",
            object_repr=str(year),
            changes={k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]},
            message=note,
        )
        _recount(actor)
    return sorted(rows, key=lambda r: r.date)


def calendar_year_summary(year: int) -> dict[str, Any]:
    """What the platform knows of ``year``: whether the library has it, the officials' entries."""
    rows = list(CalendarDay.objects.filter(date__year=year).select_related("entered_by"))
    return {
        "year": year,
        "library_knows": library_knows(year),
        "entered": rows,
        "holidays": [r.date for r in rows if r.kind == CalendarDayKind.HOLIDAY],
        "workdays": [r.date for r in rows if r.kind == CalendarDayKind.WORKDAY],
    }
