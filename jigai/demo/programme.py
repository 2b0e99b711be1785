"""The demo programme: the published 2026 catalog and two calls, made through the catalog and
call services exactly as the commission makes them (each step audited).

* 《2026年上海市重点技术改造支持目录》 from :func:`jigai.catalog.defaults.default_catalog_items`, drafted
  by the municipal officer ``municipal`` and published by the municipal head ``municipal_head``;
* the 2026 call (window 2026-01-20 00:00 to 2026-02-04 16:00 Shanghai time, districts forward by
  2026-02-06), published, closed once that window has passed;
* a call open now (relative to the machine clock: opened 10 days ago at 00:00, closes 60 days
  ahead at 16:00, Shanghai time), published with the default rules, so that a demo enterprise can
  apply today. Opened in the last quarter of a year it is the next year's call
  ("2027年度上海市产业转型升级（技术改造）专项申报通知"); otherwise the year's second batch.

The services stamp publication with the moment the demo is generated; the demo then dates each
publication as the commission would have published it (before the window opened), so that the
pages read as a history. The audit trail keeps the real moments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jigai.accounts.models import User
from jigai.calls import defaults as call_defaults
from jigai.calls.models import Call
from jigai.calls.services import call_create, call_publish
from jigai.catalog.defaults import default_catalog_items
from jigai.catalog.models import CatalogVersion
from jigai.catalog.services import catalog_version_create, catalog_version_publish

SHANGHAI = call_defaults.SHANGHAI
CATALOG_YEAR = 2026
CATALOG_TITLE = "2026年上海市重点技术改造支持目录"
CATALOG_PUBLISHED_AT = dt.datetime(2025, 12, 20, 10, 0, tzinfo=SHANGHAI)
CALL_2026_PUBLISHED_AT = dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI)
OPEN_CALL_OPENED_DAYS_AGO = 10
OPEN_CALL_CLOSES_IN_DAYS = 60
OFFICER, HEAD = "municipal", "municipal_head"

CALL_2026_DESCRIPTION = (
    "为贯彻落实《上海市人民政府关于加快推进企业技术改造的实施意见》，推动产业高端化、智能化、绿色化发展，"
    "现组织申报2026年度上海市重点技术改造专项资金项目。申报单位须在本市依法登记注册、具有独立法人资格，"
    "信用记录良好、财务制度健全；项目总投资不低于2000万元，固定资产投资占比高于60%，前期手续齐全并已开工。"
    "支持方式为投资补助，按核定总投入的10%以内给予支持，单个项目最高不超过1亿元。"
    "请各区经济主管部门于2026年2月6日前将推荐文件报送市经济信息化委。"
)
OPEN_CALL_DESCRIPTION = (
    "为推动本市产业转型升级，加快企业技术改造和设备更新，现组织申报{year}年度上海市产业转型升级（技术改造）"
    "专项资金项目。申报条件、支持方式和支持标准按本通知所附申报规则执行：项目总投资不低于2000万元，"
    "固定资产投资占比高于60%，按核定总投入的10%以内给予投资补助，单个项目最高不超过1亿元。"
    "申报单位请于申报截止时间前通过本平台在线填报并上传申报材料。"
)


@dataclass(frozen=True)
class DemoProgramme:
    catalog: CatalogVersion
    closed_call: Call
    open_call: Call


@dataclass(frozen=True)
class CallWindow:
    title: str
    year: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    district_forward_date: dt.date


def open_call_window(now: dt.datetime) -> CallWindow:
    """The window and title of the call open at ``now`` (see the module docs)."""
    today = timezone.localtime(now, SHANGHAI).date()
    opens = dt.datetime.combine(today - dt.timedelta(days=OPEN_CALL_OPENED_DAYS_AGO), dt.time(0, 0), SHANGHAI)
    closes = dt.datetime.combine(
        today + dt.timedelta(days=OPEN_CALL_CLOSES_IN_DAYS), dt.time(16, 0), SHANGHAI
    )
    if today.month >= 10:
        year = today.year + 1
        title = f"{year}年度上海市产业转型升级（技术改造）专项申报通知"
    else:
        year = today.year
        title = f"{year}年度上海市产业转型升级（技术改造）专项申报通知（第二批）"
    return CallWindow(title, year, opens, closes, closes.date() + dt.timedelta(days=2))


def demo_programme_create(*, now: dt.datetime | None = None) -> DemoProgramme:
    """The catalog and the two calls, through the services, as ``municipal`` and ``municipal_head``."""
    now = now or timezone.now()
    officer = User.objects.get(username=OFFICER)
    head = User.objects.get(username=HEAD)
    window = open_call_window(now)
    with transaction.atomic():
        catalog = catalog_version_create(
            actor=officer,
            year=CATALOG_YEAR,
            title=CATALOG_TITLE,
            rows=default_catalog_items(),
            note="依据《上海市人民政府关于加快推进企业技术改造的实施意见》主要任务编制。",
        )
        catalog = catalog_version_publish(actor=head, version=catalog)
        closed = call_create(
            actor=officer,
            catalog_version=catalog,
            title=call_defaults.CALL_2026_TITLE,
            year=2026,
            document_number="沪经信技〔2026〕12号",
            description=CALL_2026_DESCRIPTION,
            opens_at=call_defaults.CALL_2026_OPENS_AT,
            closes_at=call_defaults.CALL_2026_CLOSES_AT,
            district_forward_date=call_defaults.CALL_2026_DISTRICT_FORWARD_DATE,
            budget=Decimal("1200000000.00"),
        )
        closed = call_publish(actor=head, call=closed)
        opened = call_create(
            actor=officer,
            catalog_version=catalog,
            title=window.title,
            year=window.year,
            document_number=f"沪经信技〔{timezone.localtime(now, SHANGHAI).year}〕168号",
            description=OPEN_CALL_DESCRIPTION.format(year=window.year),
            opens_at=window.opens_at,
            closes_at=window.closes_at,
            district_forward_date=window.district_forward_date,
            budget=Decimal("1000000000.00"),
        )
        opened = call_publish(actor=head, call=opened)
        _date_publication(CatalogVersion, catalog.pk, CATALOG_PUBLISHED_AT, now)
        _date_publication(Call, closed.pk, CALL_2026_PUBLISHED_AT, now)
        _date_publication(Call, opened.pk, window.opens_at - dt.timedelta(days=3, hours=-10), now)
    for obj in (catalog, closed, opened):
        obj.refresh_from_db()
    return DemoProgramme(catalog=catalog, closed_call=closed, open_call=opened)


def _date_publication(
    model: type[CatalogVersion] | type[Call], pk: int, moment: dt.datetime, now: dt.datetime
) -> None:
    if moment < now:
        model.objects.filter(pk=pk).update(published_at=moment)
