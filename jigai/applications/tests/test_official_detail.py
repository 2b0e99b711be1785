"""The officials' read-only detail /applications/<id>/review/: every section, the eligibility results
as at the submission, duplicate flags for the reviewers, attachments, the history; 403 and 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import DuplicateKind
from jigai.applications.models import Application, DuplicateFlag
from jigai.applications.tests.conftest import PDF, eligible_application_for, make_enterprise
from jigai.applications.tests.test_official_list import make_application
from jigai.calls.models import Call
from jigai.core.testing.factories import user_for_role


def review(pk: int) -> str:
    return f"/applications/{pk}/review/"


@pytest.fixture
def second(enterprise_user: Any, submitted: Application, open_call: Call) -> Application:
    """The same enterprise's second submission, with a very similar name: flagged, not refused."""
    application = eligible_application_for(
        enterprise_user, open_call, name="高端数控机床智能工厂二期技术改造项目"
    )
    return services.application_submit(actor=enterprise_user, application=application)


def test_the_reviewer_sees_the_duplicate_flags_prominently(client, submitted, second):
    assert second.has_duplicate_flags
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    response = client.get(review(second.pk))
    assert response.status_code == 200
    html = response.content.decode()
    alert = html[html.index('id="duplicate-flags"') :]
    alert = alert[: alert.index("</div>")]
    assert "提交时发现 1 处疑似重复，请审核时核实" in alert
    assert "同一企业项目名称相近" in alert
    assert submitted.reference_number in alert
    assert submitted.name in alert
    assert f'href="{review(submitted.pk)}"' in alert
    assert "相似度" in alert
    # the list marks it too
    listed = client.get("/applications/", {"duplicates": "yes"}).content.decode()
    assert f'data-application-id="{second.pk}"' in listed
    assert f'data-application-id="{submitted.pk}"' not in listed


def test_the_other_application_is_named_only_when_the_viewer_may_see_it(client, second, open_call):
    elsewhere = make_application(make_enterprise(district_code="310104"), open_call, name="徐汇的同名项目")
    DuplicateFlag.objects.create(
        application=second,
        other=elsewhere,
        kind=DuplicateKind.SAME_PROJECT_CODE,
        detail=f"与“{elsewhere.name}”投资项目代码相同",
    )
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    html = client.get(review(second.pk)).content.decode()
    assert "提交时发现 2 处疑似重复" in html
    assert "投资项目代码相同" in html
    assert "另一份申报（不在您的查看范围内）" in html
    assert "徐汇的同名项目" not in html
    assert elsewhere.reference_number not in html
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    html = client.get(review(second.pk)).content.decode()
    assert "徐汇的同名项目" in html
    assert elsewhere.reference_number in html
    assert "不在您的查看范围内" not in html


def test_every_section_is_shown_read_only(client, submitted):
    client.force_login(user_for_role(Role.MUNICIPAL_HEAD))
    html = client.get(review(submitted.pk)).content.decode()
    assert submitted.reference_number in html
    assert 'data-status="submitted"' in html and "已提交" in html
    assert submitted.enterprise.name in html and submitted.enterprise.credit_code in html
    assert submitted.project_code in html
    assert "上海市浦东新区金海路 1000 号" in html
    assert "建设数控机床柔性生产线" in html
    # investment lines and totals, in 万元 and yuan
    assert "设备器具购置" in html and "15,000,000.00 元（1,500.00 万元）" in html
    assert "25,000,000.00 元（2,500.00 万元）" in html  # total investment
    assert "72.00%" in html  # fixed-asset share
    assert "2,500,000.00 元（250.00 万元）" in html  # requested support: 10 % of 2,500 万元
    # financing, outcomes, prerequisites
    assert "10,000,000.00 元（1,000.00 万元）" in html  # bank loans
    assert "45 人" in html
    assert "项目立项（备案）" in html and "沪浦filing〔2026〕12号" in html
    # the project lead's identity number is masked
    assert submitted.project_lead_id_number not in html
    assert submitted.project_lead_id_number[-4:] in html
    # nothing to edit or submit here
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0]


def test_eligibility_is_as_at_the_submission_even_after_the_window_closed(client, submitted, open_call, at):
    at(open_call.closes_at + dt.timedelta(days=3))
    client.force_login(user_for_role(Role.DISTRICT_HEAD, district_code="310115"))
    html = client.get(review(submitted.pk)).content.decode()
    section = html[html.index('id="eligibility"') :]
    section = section[: section.index("</ul>")]
    assert 'data-rule="call_open" data-passed="true"' in section
    assert 'data-passed="false"' not in section
    assert "申请支持金额 250.00 万元" in section
    assert "按提交时" in html and "第 1 版规则重新计算" in html


def test_attachments_download_through_the_scoped_view(client, submitted):
    officer = user_for_role(Role.DISTRICT_OFFICER, district_code="310115")
    client.force_login(officer)
    html = client.get(review(submitted.pk)).content.decode()
    attachment = submitted.attachments.get(requirement_code="feasibility")
    url = f"/api/v1/applications/{submitted.pk}/attachments/{attachment.pk}"
    assert f'href="{url}"' in html
    assert "项目可行性研究报告" in html and "feasibility.pdf" in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert client.get(url).status_code == 404


def test_the_history_of_transitions(client, enterprise_user, submitted):
    client.force_login(user_for_role(Role.SUPERVISOR))
    html = client.get(review(submitted.pk)).content.decode()
    history = html[html.index('id="transitions"') :]
    assert history.index("新建草稿") < history.index("提交申报")
    assert "草稿 →" in history
    assert str(enterprise_user) in history and "企业申报用户" in history


def test_outside_the_scope_is_404(client, enterprise_user, submitted, open_call):
    draft = services.application_create(actor=enterprise_user, call=open_call)
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    response = client.get(review(submitted.pk))
    assert response.status_code == 404
    assert submitted.name not in response.content.decode()
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    assert client.get(review(draft.pk)).status_code == 404  # a draft is not an application yet
    assert client.get(review(999999)).status_code == 404


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT, Role.SYSADMIN, Role.AUDITOR])
def test_other_roles_are_refused_with_the_reason(client, submitted, role):
    user = user_for_role(role)
    client.force_login(user)
    response = client.get(review(submitted.pk))
    assert response.status_code == 403
    html = response.content.decode()
    assert "查看各企业的项目申报" in html
    assert submitted.name not in html


def test_the_applicant_itself_is_refused_the_officials_page(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    assert client.get(review(submitted.pk)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, submitted):
    response = client.get(review(submitted.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_amounts_use_decimal_places_exactly(client, submitted):
    Application.objects.filter(pk=submitted.pk).update(requested_support=Decimal("1234567.89"))
    client.force_login(user_for_role(Role.FINANCE_OFFICER))
    html = client.get(review(submitted.pk)).content.decode()
    assert "1,234,567.89 元（123.46 万元）" in html  # 123.456789 万元, half-up to the shown places
