"""What ``make bench`` measures: one entry per API endpoint, with the SQL it mainly runs and its target.

To add an endpoint, append a :class:`BenchEndpoint` to :data:`ENDPOINTS` (see bench/README.md):

* ``path`` is requested with the API token of ``username`` (the municipal officer unless told
  otherwise; ``auth=False`` for public endpoints);
* ``sql`` lists the statements the endpoint must run for one request, written once in SQL that
  both SQLite and PostgreSQL accept (constants inline; no parameters). The harness runs them
  directly through the driver as the endpoint's database baseline;
* ``max_ratio`` is the target: p50(endpoint) / (p50(sql) + p50(ping)) must not exceed it. The
  ratio says how much the platform adds on top of the database work the endpoint cannot avoid and
  of the cheapest possible request through the same server;
* ``check`` (optional) looks at one decoded response body and returns a problem, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BenchEndpoint:
    name: str
    path: str
    sql: tuple[str, ...]
    max_ratio: float
    auth: bool = True
    expect_status: int = 200
    check: Callable[[Any], str | None] | None = None
    username: str = "municipal"


def _page_with_count(limit: int) -> Callable[[Any], str | None]:
    def check(body: Any) -> str | None:
        if not isinstance(body, dict) or "items" not in body or "count" not in body:
            return "响应不是 {items, count}"
        if len(body["items"]) != min(limit, body["count"]):
            return f"返回 {len(body['items'])} 条，应为 {min(limit, body['count'])} 条"
        return None

    return check


def _health_ok(body: Any) -> str | None:
    return None if isinstance(body, dict) and body.get("status") == "ok" else "health 不是 ok"


# The enterprise list as the selector builds it: enterprises joined with district and industry,
# ordered by name, one page, and the total count of the same filter.
_ENTERPRISE_PAGE = (
    "SELECT e.*, d.*, i.* FROM enterprises_enterprise e "
    "JOIN reference_district d ON d.code = e.district_id "
    "JOIN reference_industry i ON i.code = e.industry_id "
    "{where} ORDER BY e.name ASC, e.id ASC LIMIT 20"
)

# The application list as the selector builds it (jigai.applications.selectors.application_list):
# officials never see drafts; joined with the call, the enterprise and its industry, the district and
# the direction; newest submission first (the index application_submitted_order); one page and the
# total count of the same filter.
_APPLICATION_PAGE = (
    "SELECT a.*, c.*, e.*, i.*, d.*, ci.* FROM applications_application a "
    "INNER JOIN reference_district d ON a.district_id = d.code "
    "INNER JOIN calls_call c ON a.call_id = c.id "
    "INNER JOIN enterprises_enterprise e ON a.enterprise_id = e.id "
    "INNER JOIN reference_industry i ON e.industry_id = i.code "
    "LEFT OUTER JOIN catalog_catalogitem ci ON a.direction_id = ci.id "
    "WHERE {where} ORDER BY a.submitted_at DESC, a.id ASC LIMIT 20"
)
_SUBMITTED = "NOT (a.status = 'draft') AND a.status = 'submitted'"
_PUDONG = "a.district_id = '310115' AND NOT (a.status = 'draft')"
#: the district officer whose list is measured (浦东新区, the district with the most applications)
DISTRICT_OFFICER = "district_pd"
#: target of the application lists (issue 3): p50 ≤ 3 × (sql p50 + ping p50)
APPLICATION_TARGET = 3.0

ENDPOINTS: list[BenchEndpoint] = [
    BenchEndpoint(
        name="enterprises first page",
        path="/api/v1/enterprises?limit=20",
        sql=(
            "SELECT COUNT(*) FROM enterprises_enterprise",
            _ENTERPRISE_PAGE.format(where=""),
        ),
        max_ratio=2.0,
        check=_page_with_count(20),
    ),
    BenchEndpoint(
        name="enterprises in 浦东新区",
        path="/api/v1/enterprises?district=310115&limit=20",
        sql=(
            "SELECT COUNT(*) FROM enterprises_enterprise WHERE district_id = '310115'",
            _ENTERPRISE_PAGE.format(where="WHERE e.district_id = '310115'"),
        ),
        max_ratio=2.0,
        check=_page_with_count(20),
    ),
    BenchEndpoint(
        name="applications submitted (municipal)",
        path="/api/v1/applications?status=submitted&limit=20",
        sql=(
            "SELECT COUNT(*) FROM applications_application a WHERE " + _SUBMITTED,
            _APPLICATION_PAGE.format(where=_SUBMITTED),
        ),
        max_ratio=APPLICATION_TARGET,
        check=_page_with_count(20),
    ),
    BenchEndpoint(
        name="applications of 浦东新区 (district)",
        path="/api/v1/applications?limit=20",
        sql=(
            "SELECT COUNT(*) FROM applications_application a WHERE " + _PUDONG,
            _APPLICATION_PAGE.format(where=_PUDONG),
        ),
        max_ratio=APPLICATION_TARGET,
        check=_page_with_count(20),
        username=DISTRICT_OFFICER,
    ),
    BenchEndpoint(
        name="health",
        path="/api/v1/health",
        sql=("SELECT 1",),
        max_ratio=1.5,
        auth=False,
        check=_health_ok,
    ),
]

PING_PATH = "/api/v1/ping"
