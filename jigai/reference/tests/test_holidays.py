"""The statutory holidays fixed by law (rules.md §3), from the lunar calendar and the solar terms."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from jigai.reference.holidays import statutory_holidays

D = dt.date


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_holiday_is_off_in_the_published_schedules(year):
    """For the years whose State Council schedule the chinese-calendar library carries, every day
    the law fixes is a day off there: the rule agrees with the published schedules."""
    days = statutory_holidays(year)
    assert len(days) == 13
    assert [d for d in days if chinese_calendar.is_workday(d)] == []


def test_2027_from_the_lunar_calendar_and_the_solar_term():
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # New Year's Eve
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_two_festivals_on_one_day_are_one_day_off():
    # 中秋 falls on 3 October 2028.
    days = statutory_holidays(2028)
    assert days[D(2028, 10, 3)] == "中秋节、国庆节"
    assert len(days) == 12
    # Lunar New Year on 26 January 2028: the eve is the 25th.
    assert [d for d, name in days.items() if name == "春节"] == [D(2028, 1, d) for d in (25, 26, 27, 28)]


def test_years_before_the_2024_rules_are_refused():
    with pytest.raises(ValueError, match="2025"):
        statutory_holidays(2024)
