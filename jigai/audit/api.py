"""REST endpoints of the audit trail, mounted at /api/v1/audit by jigai/api.py.

The audit administrator only (等保 2.0 三员分立): the system and security administrators, like
every business role, are refused with the reason. Reads go through
:mod:`jigai.audit.selectors`; the verification is :func:`jigai.audit.services.audit_verify_run`,
which records its own outcome.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.audit import selectors
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_verify_run, chain_report_summary
from jigai.core.api_auth import api_user
from jigai.core.permissions import require

router = Router(tags=["audit"])

#: the largest page the list returns, whatever ``limit`` asks for
MAX_PAGE = 200


class EventOut(Schema):
    id: int
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    organisation_id: int | None
    organisation_name: str
    role: str
    role_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    outcome: str
    outcome_label: str
    message: str
    ip_address: str | None
    request_id: str
    channel: str
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_outcome_label(obj: AuditEvent) -> str:
        return str(obj.get_outcome_display())


class EventDetailOut(EventOut):
    changes: dict[str, Any] = Field(..., description="变更：{字段: {before: 前值, after: 后值}}")


class EventFilters(Schema):
    date_from: date | None = Field(None, description="开始日期（北京时间，含当日）")
    date_to: date | None = Field(None, description="结束日期（北京时间，含当日）")
    since: datetime | None = Field(None, description="此时刻之后（ISO 8601，带时区）")
    username: str = Field("", max_length=150, description="操作人账号（精确匹配）")
    action: str = Field("", max_length=80, description="操作前缀，如 user. 或 auth.login")
    object_type: str = Field("", max_length=80, description="对象类型，如 accounts.user")
    object_id: str = Field("", max_length=64)
    outcome: list[Outcome] = Field(default_factory=list, description="结果，可重复：success、denied、failure")
    ip_address: str = Field("", max_length=45)
    request_id: str = Field("", max_length=64)


class ChainProblemOut(Schema):
    seq: int
    event_id: int
    kind: str = Field(
        ...,
        description="changed（被修改）、deleted（被删除）、moved（被移动）、truncated（末尾被截断）、"
        "recomputed（与检查点不符，被重算）或 checkpoint（检查点文件被改动）",
    )
    message: str
    expected_seq: int | None


class VerifyOut(Schema):
    ok: bool
    checked: int = Field(..., description="链首起完整的事件数")
    summary: str
    problem: ChainProblemOut | None
    last_seq: int = Field(..., description="最后一条完整事件的序号")
    last_hash: str = Field(..., description="最后一条完整事件的 SM3 哈希")


@router.get("/events", response=list[EventOut], summary="审计事件（仅审计管理员）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def event_list(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    actor = api_user(request)
    require(selectors.can_read_audit(actor), "audit.read")
    return selectors.audit_event_list(
        actor=actor,
        date_from=filters.date_from,
        date_to=filters.date_to,
        since=filters.since,
        username=filters.username,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        outcome=[str(o) for o in filters.outcome],
        ip_address=filters.ip_address,
        request_id=filters.request_id,
    )


@router.get(
    "/events/{event_id}", response=EventDetailOut, summary="一条审计事件及其前值/后值（仅审计管理员）"
)
def event_detail(request: HttpRequest, event_id: int) -> AuditEvent:
    return selectors.audit_event_get(actor=api_user(request), pk=event_id)


@router.post("/verify", response=VerifyOut, summary="校验审计哈希链（仅审计管理员；结果记入审计日志）")
def verify(request: HttpRequest) -> dict[str, Any]:
    report = audit_verify_run(actor=api_user(request))
    return {
        "ok": report.ok,
        "checked": report.checked,
        "summary": chain_report_summary(report),
        "problem": report.problem,
        "last_seq": report.last_seq,
        "last_hash": report.last_hash,
    }
