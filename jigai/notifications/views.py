"""The user's notifications: the page (mark one or all read, follow the link) and the bell of the
top bar, loaded by htmx after the page so that no page pays a query for it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jigai.notifications import services as notifications
from jigai.notifications.models import Notification

PER_PAGE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    unread = True if show == "unread" else None
    rows = notifications.notification_list(actor=request.user, unread=unread)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "show": "unread" if unread else "",
        "unread": notifications.unread_count(actor=request.user),
    }
    return render(request, "notifications/notifications_list.html", context)


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count (an htmx fragment; empty for a visitor)."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    count = notifications.unread_count(actor=request.user)
    return render(request, "notifications/notifications_bell.html", {"unread": count})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with ``go`` set, follow its link."""
    try:
        notice = notifications.notification_get(actor=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404(_("未找到该通知。")) from None
    notifications.notification_mark_read(actor=request.user, notification=notice)
    hosts = {request.get_host()}
    if (
        request.POST.get("go")
        and notice.url
        and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=hosts)
    ):
        return redirect(notice.url)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts=hosts):
        return redirect(back)
    return redirect("review:notifications")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("review:notifications")
