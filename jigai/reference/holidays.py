"""The statutory public holidays whose dates the law fixes in advance (rules.md §3).

《全国年节及纪念日放假办法》 (2024 revision, in force from 2025) gives every citizen these days off:

======  =============================================  ======
元旦    1 January                                      1 day
春节    lunar New Year's Eve and lunar 1/1 to 1/3      4 days
清明    the day of the Qingming solar term (4–6 April) 1 day
劳动节  1 and 2 May                                    2 days
端午    lunar 5/5                                      1 day
中秋    lunar 8/15                                     1 day
国庆    1 to 3 October                                 3 days
======  =============================================  ======

What the State Council adds each year — the bridging days that join them to a weekend and the
weekend days made working days (调休) — is not known in advance; the working-day calendar uses
these dates for a year whose schedule it does not have yet, and marks what it counts provisional.

Lunar dates and the solar term come from ``tyme4py`` (a maintained calendar library, astronomical
algorithms, no table of its own here).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tyme4py.lunar import LunarDay
from tyme4py.solar import SolarDay, SolarTerm

#: the first year the 2024 revision (4-day Spring Festival with its eve, 2-day Labour Day) governs
FIRST_YEAR = 2025


def _date(day: SolarDay) -> dt.date:
    return dt.date(day.get_year(), day.get_month(), day.get_day())


def _lunar(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a day of the (non-leap) lunar month in lunar year ``year``."""
    return _date(LunarDay.from_ymd(year, month, day).get_solar_day())


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` (``year`` ≥ 2025), each date with its festival's name."""
    if year < FIRST_YEAR:
        raise ValueError(f"the 2024 holiday rules apply from {FIRST_YEAR}")
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        # Two festivals may fall on one day (中秋 on 3 October 2028): one day off, both names.
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), "元旦")
    new_year = _lunar(year, 1, 1)  # always 21 January to 20 February, so the eve is in ``year`` too
    for offset in range(-1, 3):
        add(new_year + dt.timedelta(days=offset), "春节")
    add(_date(SolarTerm.from_name(year, "清明").get_solar_day()), "清明节")
    add(dt.date(year, 5, 1), "劳动节")
    add(dt.date(year, 5, 2), "劳动节")
    add(_lunar(year, 5, 5), "端午节")
    add(_lunar(year, 8, 15), "中秋节")
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), "国庆节")
    return dict(sorted(days.items()))
