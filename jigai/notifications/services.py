"""Notifications: each transition tells the parties who must act next (in-app and by e-mail).

How it works:

* Each row of the workflow table names whom its transition tells (``Transition.notify``, functions
  of :mod:`jigai.notifications.recipients`);
  :func:`jigai.applications.services.application_transition` calls :func:`transition_notify` for
  it in the transition's transaction, so a reader sees every effect of a transition in the service.
  A row that names nobody notifies nobody.
* Steps that are not transitions (a recommendation document prepared, signed) call :func:`notify`
  themselves, once per document rather than once per application.
* :func:`notify` writes the :class:`~jigai.notifications.models.Notification` rows in the caller's
  transaction (no notice for a step that is rolled back) and queues the e-mail with
  ``transaction.on_commit``: the task :func:`send_notification_emails` runs in the worker
  (``manage.py db_worker``) and sends through Django's configured e-mail backend.
* The acting user is never told about its own step; inactive users and users without an e-mail
  address get the in-app notice only.

This app sits low (it imports nothing above accounts and audit), so that every app, the workflow
machinery included, may call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.audit.services import audit_record
from jigai.core.permissions import PermissionRefused
from jigai.notifications.models import Notification
from jigai.notifications.recipients import Recipients

MESSAGE_LENGTH = Notification._meta.get_field("message").max_length or 300
VERB_LENGTH = Notification._meta.get_field("verb").max_length or 60
_FIELDS = ("user", "application", "verb", "message", "url")


#: what the notice says, per action; the others get the generic sentence
_MESSAGES: dict[str, str] = {
    "submit": gettext_noop("%(enterprise)s提交了申报“%(name)s”（%(ref)s），请受理并开展区级审核。"),
    "resubmit": gettext_noop(
        "%(enterprise)s已按退回意见修改并重新提交申报“%(name)s”（%(ref)s），请继续审核。"
    ),
    "district_return": gettext_noop(
        "您的申报“%(name)s”（%(ref)s）被区经济主管部门退回修改：%(comment)s 请逐项修改后重新提交。"
    ),
    "municipal_return": gettext_noop(
        "申报“%(name)s”（%(ref)s）在市级初审中被退回修改：%(comment)s 企业修改后将重新提交区级审核。"
    ),
    "district_recommend": gettext_noop(
        "您的申报“%(name)s”（%(ref)s）已由区经济主管部门推荐上报（%(comment)s），等待市级初审。"
    ),
    "district_decline": gettext_noop(
        "您的申报“%(name)s”（%(ref)s）未获区经济主管部门推荐。理由：%(comment)s"
    ),
}


# --- where ------------------------------------------------------------------------------------
def _reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def application_url_for(user: Any, application: Any) -> str:
    """The page where ``user`` acts on ``application``."""
    role = getattr(user, "role", None)
    if role == Role.ENTERPRISE:
        return _reverse("applications:my_detail", application.pk) or _reverse("review:my_returns")
    if role in (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD):
        return _reverse("review:district_detail", application.pk)
    if role == Role.MUNICIPAL_OFFICER and application.status in ("recommended", "municipal_review"):
        return _reverse("review:municipal_list")
    return _reverse("applications:official_detail", application.pk)


# --- send ---------------------------------------------------------------------------------------
def notify(
    *,
    users: Iterable[User],
    verb: str,
    message: str,
    url: str | Callable[[User], str] = "",
    application: Any | None = None,
    exclude: Any = None,
) -> list[Notification]:
    """Tell ``users`` (each once; never ``exclude``, the acting user): write the in-app notices now,
    in the caller's transaction, and queue the e-mail for when it commits."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == getattr(exclude, "pk", None)):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                application=application,
                verb=verb[:VERB_LENGTH],
                message=message[:MESSAGE_LENGTH],
                url=(url(user) if callable(url) else url)[:200],
            )
        )
    if not rows:
        return []
    if connection.features.can_return_rows_from_bulk_insert:
        created = Notification.objects.bulk_create(rows)
    else:  # an old SQLite gives no ids back from a bulk insert
        created = [Notification.objects.create(**{f: getattr(n, f) for f in _FIELDS}) for n in rows]
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: send_notification_emails.enqueue(notification_ids=ids))
    return created


def transition_message(application: Any, action: str, label: str, comment: str) -> str:
    values = {
        "enterprise": application.enterprise.name,
        "name": application.name or _("未命名项目"),
        "ref": application.reference_number or "—",
        "comment": comment or "—",
        "label": label,
        "status": application.get_status_display(),
    }
    text = _(_MESSAGES[action]) if action in _MESSAGES else None
    if text is None:
        text = _("申报“%(name)s”（%(ref)s）：%(label)s，当前状态为“%(status)s”。")
        if comment:
            text += _("意见：%(comment)s")
    return text % values


def transition_notify(
    *, application: Any, action: str, label: str, comment: str, actor: Any, recipients: Iterable[Recipients]
) -> list[Notification]:
    """Tell whom a transition's row names (``Transition.notify``) that it was taken: called by
    :func:`jigai.applications.services.application_transition` inside its transaction."""
    users = [user for find in recipients for user in find(application)]
    return notify(
        users=users,
        verb=label,
        message=transition_message(application, action, label, comment),
        url=lambda user: application_url_for(user, application),
        application=application,
        exclude=actor,
    )


def _absolute(url: str) -> str:
    base = getattr(settings, "JIGAI_SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url and base else url


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Worker task: e-mail each notice to its user, through the configured backend. Returns how
    many were sent (users without an e-mail address or no longer active are skipped)."""
    notices = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    messages = []
    for notice in notices:
        user = notice.user
        if not user.is_active or not user.email:
            continue
        body = notice.message
        if notice.url:
            body += "\n\n" + _("办理地址：%(url)s") % {"url": _absolute(notice.url)}
        body += "\n\n" + _("此邮件由上海市企业技术改造专项管理平台（技改通）自动发送，请勿回复。")
        messages.append(
            EmailMessage(
                subject=_("【技改通】%(verb)s") % {"verb": notice.verb},
                body=body,
                to=[user.email],
            )
        )
    if not messages:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(messages) or 0)


# --- read ---------------------------------------------------------------------------------------
def notification_list(*, actor: Any, unread: bool | None = None) -> QuerySet[Notification]:
    """The actor's own notices, newest first (``unread`` True: only those not yet read)."""
    qs = Notification.objects.visible_to(actor).select_related("application")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def unread_count(*, actor: Any) -> int:
    return notification_list(actor=actor, unread=True).count()


def notification_get(*, actor: Any, pk: int) -> Notification:
    """One of the actor's notices; ``Notification.DoesNotExist`` for anybody else's."""
    return notification_list(actor=actor).get(pk=pk)


# --- write --------------------------------------------------------------------------------------
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notices read (reading twice keeps the first time)."""
    if notification.user_id != getattr(actor, "pk", None):
        raise PermissionRefused(_("只能处理发给自己的通知。"), "notification.read")
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(
                actor=actor,
                action="notification.read",
                obj=notification,
                changes={"read_at": {"before": None, "after": notification.read_at}},
            )
    return notification


def notifications_resolve(*, application: Any, actor: Any) -> int:
    """The work a notice announced is done once somebody it was addressed to for that work acts on
    the application: when ``actor`` takes a transition of ``application``, the unread notices about
    it to the actor and to the colleagues who share its role and organisation (the district
    officers of one bureau, the users of one enterprise) are marked read. Notices to other parties
    (an enterprise told its application was recommended) stay unread. Called by
    :func:`jigai.applications.services.application_transition` before it notifies the next
    parties; recorded in the transition's audit event by the caller. Returns how many."""
    if actor is None or application is None:
        return 0
    who = {"user__role": actor.role}
    if getattr(actor, "organisation_id", None):
        who["user__organisation_id"] = actor.organisation_id
    else:
        who = {"user_id": actor.pk}
    return Notification.objects.filter(application=application, read_at__isnull=True, **who).update(
        read_at=timezone.now()
    )


def notification_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notice of the actor read; returns how many (one audit event for all)."""
    with transaction.atomic():
        count = notification_list(actor=actor, unread=True).update(read_at=timezone.now())
        if count:
            audit_record(
                actor=actor,
                action="notification.read_all",
                object_type="review.notification",
                object_repr=_("全部通知"),
                changes={"unread": {"before": count, "after": 0}},
            )
    return count
