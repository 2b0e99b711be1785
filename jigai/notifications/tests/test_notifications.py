"""Notifications: each transition tells whoever must act next, in-app and by e-mail once committed;
the bell, the page and mark-as-read; the to-do counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from jigai.core.todos import todos_for
from jigai.notifications import services as notifications
from jigai.notifications.models import Notification
from jigai.recommendations import municipal
from jigai.recommendations import services as district
from jigai.recommendations.tests.district_fixtures import *  # noqa: F403
from jigai.recommendations.tests.district_fixtures import reload, several_in_review, submit_new

pytestmark = pytest.mark.django_db


def notices(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_submission_tells_the_districts_officers_by_mail(
    people: Any, call: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = submit_new(people, call)
    (notice,) = notices(people["officer"])
    assert notice.application_id == application.pk
    assert str(application.reference_number) in notice.message and "请受理" in notice.message
    assert notice.url == f"/review/district/{application.pk}/"
    assert notices(people["other_officer"]) == []  # another district
    assert notices(people["enterprise"]) == []  # the actor is never told of its own step
    assert [m.to for m in mail.outbox] == [[people["officer"].email]]
    assert mail.outbox[0].subject == "【技改通】提交申报"
    assert str(application.reference_number) in str(mail.outbox[0].body)


def test_no_mail_before_the_transaction_commits(
    people: Any, call: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_new(people, call)
    assert mail.outbox == []
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_return_tells_the_enterprise_with_the_items(
    people: Any, reviewing: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        district.district_return(
            actor=people["officer"],
            application=reviewing,
            items=[{"section": "attachments", "reason": "缺少环评批复。"}],
        )
    (notice,) = notices(people["enterprise"])
    assert notice.verb == "退回企业修改"
    assert "申报材料：缺少环评批复。" in notice.message
    assert mail.outbox[-1].to == [people["enterprise"].email]


def test_signing_tells_the_municipal_officers_once_and_each_enterprise(
    people: Any, call: Any, django_capture_on_commit_callbacks: Any
) -> None:
    apps = several_in_review(people, call, 2)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = district.recommendation_prepare(
            actor=people["officer"], applications=apps, opinion="同意"
        )
    (to_sign,) = notices(people["head"])
    assert to_sign.verb == "待签发推荐文件" and to_sign.url == f"/review/recommendations/{recommendation.pk}/"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        district.recommendation_sign(
            actor=people["head"], recommendation=recommendation, document_number="浦5号"
        )
    (to_review,) = notices(people["municipal"])
    assert "浦5号" in to_review.message and "推荐 2 个项目" in to_review.message
    recommended = [n for n in notices(people["enterprise"]) if n.verb == "签发推荐"]
    assert len(recommended) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["municipal"].email, people["enterprise"].email, people["enterprise"].email]
    )


def test_municipal_return_tells_the_enterprise_and_the_district(people: Any, call: Any) -> None:
    (application,) = several_in_review(people, call, 1)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[application], opinion="同意"
    )
    district.recommendation_sign(actor=people["head"], recommendation=recommendation, document_number="浦6号")
    application = municipal.municipal_start(actor=people["municipal"], application=reload(application))
    Notification.objects.all().delete()
    municipal.municipal_return(actor=people["municipal"], application=application, reason="请补充设备清单")
    assert [n.verb for n in notices(people["enterprise"])] == ["市级初审退回修改"]
    assert [n.verb for n in notices(people["officer"])] == ["市级初审退回修改"]


def test_a_rolled_back_step_leaves_no_notice(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 2)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=apps, opinion="同意"
    )
    type(apps[1]).objects.filter(pk=apps[1].pk).update(district_id="310104")
    Notification.objects.all().delete()
    with pytest.raises(Exception):  # noqa: B017 - the guard's refusal; what matters is what is left
        district.recommendation_sign(
            actor=people["head"], recommendation=recommendation, document_number="浦7号"
        )
    assert not Notification.objects.exists()


def test_users_without_mail_get_the_in_app_notice_only(
    people: Any, call: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = people["officer"]
    officer.email = ""
    officer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        submit_new(people, call)
    assert len(notices(officer)) == 1
    assert mail.outbox == []


def test_mark_read_and_counts(people: Any, call: Any) -> None:
    submit_new(people, call)
    submit_new(people, call, name="第二个技术改造项目", project_code=_code())
    officer = people["officer"]
    assert notifications.unread_count(actor=officer) == 2
    first = notifications.notification_list(actor=officer).last()
    assert first is not None
    notifications.notification_mark_read(actor=officer, notification=first)
    assert notifications.unread_count(actor=officer) == 1
    assert notifications.notification_mark_all_read(actor=officer) == 1
    assert notifications.unread_count(actor=officer) == 0
    assert notifications.notification_list(actor=people["head"]).count() == 0


def test_nobody_reads_anothers_notice(people: Any, call: Any) -> None:
    from jigai.core.permissions import PermissionRefused

    submit_new(people, call)
    notice = Notification.objects.get(user=people["officer"])
    with pytest.raises(Notification.DoesNotExist):
        notifications.notification_get(actor=people["other_officer"], pk=notice.pk)
    with pytest.raises(PermissionRefused):
        notifications.notification_mark_read(actor=people["other_officer"], notification=notice)


def _code() -> str:
    from jigai.applications.tests.conftest import project_code

    return project_code()


# --- to-do counts -------------------------------------------------------------------------------
def todo(user: Any, key: str) -> Any:
    return next((t for t in todos_for(user) if t.key == key), None)


def test_todo_counts_follow_the_workflow(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    submit_new(people, call, name="待受理的另一个项目", project_code=_code())
    assert todo(people["officer"], "review.district_pending").count == 3
    assert todo(people["other_officer"], "review.district_pending").count == 0
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[a], opinion="同意"
    )
    assert todo(people["head"], "review.recommendations_to_sign").count == 1
    assert todo(people["other_head"], "review.recommendations_to_sign").count == 0
    district.recommendation_sign(actor=people["head"], recommendation=recommendation, document_number="浦8号")
    assert todo(people["head"], "review.recommendations_to_sign").count == 0
    assert todo(people["municipal"], "review.municipal_first_review").count == 1
    assert todo(people["enterprise"], "review.returned") is None
    district.district_return(
        actor=people["officer"], application=reload(b), items=[{"section": "other", "reason": "请补充说明"}]
    )
    returned = todo(people["enterprise"], "review.returned")
    assert returned is not None and returned.count == 1 and returned.url == "/review/corrections/"


def test_a_notice_is_read_once_the_work_it_announced_is_done(people: Any, call: Any) -> None:
    """Submission asks the district's officers to act; when one of them takes the application up,
    the notice is done for all of them. A return asks the enterprise to correct; its resubmission
    settles it. Notices to other parties stay unread."""
    from jigai.accounts.choices import Role
    from jigai.audit.models import AuditEvent
    from jigai.core.testing.factories import user_for_role

    colleague = user_for_role(Role.DISTRICT_OFFICER, district_code=people["officer"].district_id)
    assert colleague.organisation_id == people["officer"].organisation_id
    application = submit_new(people, call)
    for officer in (people["officer"], colleague):
        (notice,) = notices(officer)
        assert notice.read_at is None

    district.district_start(actor=people["officer"], application=reload(application))
    assert all(n.read_at is not None for n in notices(people["officer"]) + notices(colleague))
    event = AuditEvent.objects.filter(action="application.district_start").latest("id")
    assert event.changes["notifications_resolved"] == {"before": 0, "after": 2}

    district.district_return(
        actor=people["officer"],
        application=reload(application),
        items=[{"section": "attachments", "reason": "缺少环评批复。"}],
    )
    (returned,) = notices(people["enterprise"])
    assert returned.read_at is None
    district.application_resubmit(actor=people["enterprise"], application=reload(application))
    (returned,) = notices(people["enterprise"])
    assert returned.read_at is not None
    # the officers' new notice (resubmitted: please go on) is unread: that work is still to do
    assert [n.read_at for n in notices(people["officer"])][-1] is None
