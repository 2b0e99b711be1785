"""我的申报 and starting an application: from the list or the call's page (在线申报)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.models import Application
from jigai.applications.tests.conftest import make_enterprise
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.choices import EnterpriseStatus

pytestmark = pytest.mark.django_db
MINE = "/applications/mine/"


def test_my_list_shows_the_enterprise_applications_in_every_state(
    client, enterprise_user, open_call, submitted, other_district_users
):
    draft = services.application_create(actor=enterprise_user, call=open_call)
    foreign = services.application_create(actor=other_district_users[Role.ENTERPRISE], call=open_call)
    client.force_login(enterprise_user)
    response = client.get(MINE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-application="{submitted.pk}"' in html and f'data-application="{draft.pk}"' in html
    assert f'data-application="{foreign.pk}"' not in html
    assert submitted.reference_number in html
    assert ">250.00</td>" in html  # the column header names the unit (万元)
    assert 'data-status="submitted"' in html and 'data-status="draft"' in html
    assert reverse("applications:edit", kwargs={"pk": draft.pk}) in html
    assert reverse("applications:my_detail", kwargs={"pk": submitted.pk}) in html
    # the open call can be applied to from here
    assert f'data-call="{open_call.pk}"' in html
    assert reverse("applications:create", kwargs={"call_pk": open_call.pk}) in html


def test_starting_an_application_opens_its_edit_page(client, enterprise_user, open_call):
    client.force_login(enterprise_user)
    response = client.post(reverse("applications:create", kwargs={"call_pk": open_call.pk}))
    application = Application.objects.get(enterprise__organisation=enterprise_user.organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:edit", kwargs={"pk": application.pk})
    assert application.call == open_call and application.status == "draft"


def test_a_closed_call_cannot_be_applied_to(client, enterprise_user, closed_call):
    client.force_login(enterprise_user)
    response = client.post(reverse("applications:create", kwargs={"call_pk": closed_call.pk}), follow=True)
    assert "当前不在申报期内，不能新建申报" in response.content.decode()
    assert not Application.objects.exists()


def test_call_page_offers_online_application_to_an_enterprise(
    client, enterprise_user, open_call, closed_call
):
    client.force_login(enterprise_user)
    html = client.get(reverse("calls:detail", kwargs={"pk": open_call.pk})).content.decode()
    assert "在线申报" in html and 'id="apply-button"' in html
    assert reverse("applications:create", kwargs={"call_pk": open_call.pk}) in html
    html = client.get(reverse("calls:detail", kwargs={"pk": closed_call.pk})).content.decode()
    assert "在线申报" not in html


def test_call_page_gives_the_reason_an_unconfirmed_enterprise_cannot_apply(client, open_call):
    user = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(status=EnterpriseStatus.PENDING))
    client.force_login(user)
    html = client.get(reverse("calls:detail", kwargs={"pk": open_call.pk})).content.decode()
    assert 'id="apply-button"' not in html
    assert "企业注册信息待区确认，须经所在区经济主管部门确认后才能申报。" in html
    response = client.post(reverse("applications:create", kwargs={"call_pk": open_call.pk}))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_officials_see_no_online_application_and_no_enterprise_list(client, role_users, open_call):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    html = client.get(reverse("calls:detail", kwargs={"pk": open_call.pk})).content.decode()
    assert "在线申报" not in html
    assert client.get(MINE).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, open_call):
    response = client.get(MINE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "在线申报" not in client.get(reverse("calls:detail", kwargs={"pk": open_call.pk})).content.decode()
