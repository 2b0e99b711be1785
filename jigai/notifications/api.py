"""REST endpoints of the user's own notifications, mounted at /api/v1/notifications by jigai/api.py."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.core.api_auth import api_user
from jigai.notifications import services as notifications
from jigai.notifications.models import Notification

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api"

router = Router(tags=["notifications"])

MAX_PAGE = 100


class NotificationOut(Schema):
    id: int
    verb: str
    message: str
    url: str
    application_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true：仅未读；false：仅已读")


class ReadAllOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="我的通知（最新在前）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    return notifications.notification_list(actor=api_user(request), unread=filters.unread)


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications.notification_mark_all_read(actor=api_user(request))}


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    actor = api_user(request)
    try:
        notification = notifications.notification_get(actor=actor, pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404(_("未找到该通知。")) from None
    return notifications.notification_mark_read(actor=actor, notification=notification)
