"""Working days on the Chinese calendar: the State Council's 2026 schedule (as chinese_calendar
knows it), holidays, make-up working days (调休), and years nobody knows yet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.workdays.choices import CalendarDayKind
from jigai.workdays.models import CalendarDay
from jigai.workdays.workingdays import (
    add_working_days,
    calendar_day_set,
    calendar_year_set,
    end_of_day,
    is_working_day,
    library_knows,
    publicity_closing,
)

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_2026_spring_festival_with_its_make_up_saturdays():
    # The official 2026 schedule: 15–23 February off; Saturday 14 and Saturday 28 February worked.
    assert is_working_day(D(2026, 2, 13))  # Friday
    assert is_working_day(D(2026, 2, 14))  # Saturday, made a working day
    assert not is_working_day(D(2026, 2, 16))  # Monday of the holiday
    assert not is_working_day(D(2026, 2, 23))  # Monday, last holiday day
    assert is_working_day(D(2026, 2, 24))
    assert is_working_day(D(2026, 2, 28))  # Saturday, made a working day
    assert not is_working_day(D(2026, 3, 1))  # an ordinary Sunday

    # Five working days from Friday 13 February: 13, 14 (make-up Saturday), 24, 25, 26.
    assert add_working_days(D(2026, 2, 13), 5) == (D(2026, 2, 26), False)
    # Weekends only would have said Friday 20 February, in the middle of the holiday.
    assert add_working_days(D(2026, 2, 13), 1) == (D(2026, 2, 13), False)
    assert add_working_days(D(2026, 2, 13), 2) == (D(2026, 2, 14), False)
    assert add_working_days(D(2026, 2, 13), 3) == (D(2026, 2, 24), False)


def test_the_2026_national_day_with_its_make_up_weekend_days():
    # 1–7 October off; Sunday 20 September and Saturday 10 October worked.
    assert is_working_day(D(2026, 9, 20))
    assert not any(is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(D(2026, 10, 10))
    assert not is_working_day(D(2026, 10, 11))
    # From Wednesday 30 September: 30, then 8, 9, 10 (make-up Saturday), 12.
    assert add_working_days(D(2026, 9, 30), 5) == (D(2026, 10, 12), False)
    # From Friday 18 September: 18, 20 (make-up Sunday), 21.
    assert add_working_days(D(2026, 9, 18), 3) == (D(2026, 9, 21), False)
    # A period starting on a holiday starts counting on the first working day after it.
    assert add_working_days(D(2026, 10, 1), 1) == (D(2026, 10, 8), False)


def test_a_period_into_a_year_nobody_knows_skips_new_year_and_is_provisional():
    assert library_knows(2026) and not library_knows(2027)
    # 29, 30, 31 December, then not Friday 1 January 2027 (元旦, fixed by law): Monday 4, Tuesday 5.
    assert add_working_days(D(2026, 12, 29), 5) == (D(2027, 1, 5), True)
    assert add_working_days(D(2026, 12, 31), 2) == (D(2027, 1, 4), True)
    assert not is_working_day(D(2027, 1, 1))
    # Entirely inside an unknown year, far away: never fails.
    end, provisional = add_working_days(D(2035, 6, 1), 5)
    assert end == D(2035, 6, 7) and provisional
    # Inside a known year nothing is provisional, even late in December.
    assert add_working_days(D(2026, 12, 28), 4) == (D(2026, 12, 31), False)


def test_the_spring_festival_of_an_unknown_year_is_skipped():
    # 2027: lunar New Year on Saturday 6 February; the eve (Friday 5) and Monday 8 are off too.
    assert [is_working_day(D(2027, 2, d)) for d in range(3, 11)] == [
        True, True, False, False, False, False, True, True
    ]  # fmt: skip
    # From Wednesday 3 February: 3, 4, then 9, 10, 11.
    assert add_working_days(D(2027, 2, 3), 5) == (D(2027, 2, 11), True)


def test_national_day_and_mid_autumn_of_an_unknown_year_are_skipped():
    # 2027: 1 October is a Friday (2 and 3 are the weekend); 中秋 (lunar 8/15) is Wednesday 15 September.
    assert add_working_days(D(2027, 9, 30), 5) == (D(2027, 10, 7), True)
    assert add_working_days(D(2027, 9, 14), 2) == (D(2027, 9, 16), True)
    # 清明 on the solar term (Monday 5 April 2027) and 端午 (lunar 5/5, Wednesday 9 June).
    assert not is_working_day(D(2027, 4, 5)) and not is_working_day(D(2027, 6, 9))
    assert add_working_days(D(2027, 6, 8), 2) == (D(2027, 6, 10), True)


def test_an_officials_entry_overrides_the_statutory_rule():
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    # Whatever the reason an official records, the entry wins over the law's default.
    calendar_day_set(actor=officer, date=D(2027, 1, 1), kind=CalendarDayKind.WORKDAY, note="测试更正")
    assert is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 2) == (D(2027, 1, 1), False)


def test_a_year_entered_by_an_official_is_used_and_not_provisional():
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    calendar_year_set(
        actor=officer,
        year=2027,
        holidays=[D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)],
        workdays=[],
        note="国办发明电〔2026〕",
    )
    assert not is_working_day(D(2027, 1, 1))
    # 29, 30, 31 December 2026, then 4 and 5 January 2027 (1 January is now a holiday).
    assert add_working_days(D(2026, 12, 29), 5) == (D(2027, 1, 5), False)
    # A make-up Saturday entered for 2027 counts.
    calendar_day_set(actor=officer, date=D(2027, 2, 6), kind=CalendarDayKind.WORKDAY, note="春节调休")
    assert is_working_day(D(2027, 2, 6))
    # Thursday 4, then (New Year's Eve, Friday 5, being off by law) the make-up Saturday 6.
    assert add_working_days(D(2027, 2, 4), 2) == (D(2027, 2, 6), False)
    # Removing an entry
    calendar_day_set(actor=officer, date=D(2027, 2, 6), kind=None)
    assert not is_working_day(D(2027, 2, 6))
    assert AuditEvent.objects.filter(action="review.calendar_day_set").count() == 2
    year_event = AuditEvent.objects.get(action="review.calendar_year_set")
    assert year_event.changes["holidays"]["after"] == ["2027-01-01", "2027-01-02", "2027-01-03"]


def test_publicity_closes_at_the_end_of_the_last_working_day_shanghai_time():
    closes, provisional = publicity_closing(D(2026, 2, 13), 5)
    assert closes == dt.datetime(2026, 2, 26, 15, 59, 59, tzinfo=dt.UTC)
    assert not provisional
    assert end_of_day(D(2026, 10, 12)).isoformat() == "2026-10-12T15:59:59+00:00"


def test_entering_a_schedule_is_for_the_municipal_officer_and_refuses_nonsense():
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    with pytest.raises(PermissionRefused, match="市经信委经办人"):
        calendar_year_set(actor=user_for_role(Role.DISTRICT_OFFICER), year=2027, holidays=[], workdays=[])
    with pytest.raises(ValidationError) as weekday:
        calendar_year_set(actor=officer, year=2027, holidays=[], workdays=[D(2027, 1, 4)])
    assert "调休上班日应为周六或周日" in str(weekday.value)
    with pytest.raises(ValidationError) as outside:
        calendar_year_set(actor=officer, year=2027, holidays=[D(2028, 1, 1)], workdays=[])
    assert "不在 2027 年内" in str(outside.value)
    with pytest.raises(ValidationError) as both:
        calendar_year_set(actor=officer, year=2027, holidays=[D(2027, 1, 9)], workdays=[D(2027, 1, 9)])
    assert "同时填为节假日和调休上班日" in str(both.value)
    assert not CalendarDay.objects.exists()


def test_entering_a_year_again_replaces_it():
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    calendar_year_set(actor=officer, year=2027, holidays=[D(2027, 1, 1)], workdays=[D(2027, 2, 6)])
    calendar_year_set(actor=officer, year=2027, holidays=[D(2027, 5, 3)], workdays=[])
    assert list(CalendarDay.objects.values_list("date", "kind")) == [(D(2027, 5, 3), "holiday")]
