"""The decision notice (立项通知 / 项目支持决定书) PDF: amounts in capital numerals, instalments, and
who may download it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.calls.models import CallInstalment
from jigai.core.testing.factories import user_for_role
from jigai.core.testing.pdf import pdf_fonts, pdf_text
from jigai.decisions.pdf import instalment_plan, notice_number, rmb_capital
from jigai.decisions.publicity import proposed_list_approve
from jigai.decisions.tests.factories_decision import close_publicity, head, in_publicity


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("2500000.00", "贰佰伍拾万元整"),
        ("100000000", "壹亿元整"),
        ("10005.50", "壹万零伍元伍角整"),
        ("1000.05", "壹仟元零伍分"),
        ("105000", "壹拾万伍仟元整"),
        ("100500000", "壹亿零伍拾万元整"),
        ("3000000.01", "叁佰万元零壹分"),
        ("0.35", "叁角伍分"),
        ("0", "零元整"),
        ("60010.00", "陆万零壹拾元整"),
    ],
)
def test_amounts_in_chinese_capital_numerals(amount, capital):
    assert rmb_capital(Decimal(amount)) == capital


def test_the_instalments_add_up_to_the_support_exactly():
    halves = [
        CallInstalment(sequence=1, percent=Decimal("0.5")),
        CallInstalment(sequence=2, percent=Decimal("0.5")),
    ]
    assert [a for _i, a in instalment_plan(Decimal("3000000.01"), halves)] == [
        Decimal("1500000.00"),
        Decimal("1500000.01"),
    ]
    thirds = [CallInstalment(sequence=n, percent=Decimal("0.3333")) for n in (1, 2, 3)]
    plan = [a for _i, a in instalment_plan(Decimal("100.00"), thirds)]
    assert plan == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@pytest.fixture
def approved(db):
    call, applications, proposed_list = in_publicity()
    close_publicity(proposed_list)
    proposed_list_approve(actor=head(), call=call)
    for application in applications:
        application.refresh_from_db()
    return applications


def _url(application) -> str:
    return f"/api/v1/review/applications/{application.pk}/notice.pdf"


def test_the_enterprise_downloads_its_notice(client, approved):
    application = approved[0]
    owner = user_for_role(Role.ENTERPRISE, enterprise=application.enterprise)
    client.force_login(owner)
    response = client.get(_url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="LX-{application.reference_number}.pdf"' in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF")
    # The notice number is in the document's metadata (the text itself is compressed).
    assert notice_number(application).encode() in content
    assert re.search(rb"/Subject \(" + re.escape(notice_number(application).encode()), content)
    assert AuditEvent.objects.filter(action="review.notice_download", object_id=str(application.pk)).exists()
    # Every font is an embedded subset (jigai/core/pdf.py), and the text reads back when poppler is here.
    assert pdf_fonts(content) and all(font.embedded_as == "FontFile2" for font in pdf_fonts(content))
    text = pdf_text(content)
    if text is not None:
        assert application.enterprise.name in "".join(text.split())
    # …and on the page too
    page = client.get(f"/review/decision/applications/{application.pk}/notice.pdf")
    assert page.status_code == 200 and page.content.startswith(b"%PDF")


def test_officials_in_scope_download_it_others_get_404(client, approved):
    application = approved[0]
    for role in (Role.DISTRICT_OFFICER, Role.MUNICIPAL_OFFICER, Role.FINANCE_OFFICER):
        client.force_login(user_for_role(role))
        assert client.get(_url(application)).status_code == 200, role
    other_enterprise = user_for_role(Role.ENTERPRISE)
    other_district = user_for_role(Role.DISTRICT_OFFICER, district_code="310104")
    for user in (other_enterprise, other_district, user_for_role(Role.EXPERT), user_for_role(Role.AUDITOR)):
        client.force_login(user)
        response = client.get(_url(application))
        assert response.status_code == 404, user.role
        assert response.json()["code"] == "not_found"
        assert client.get(f"/review/decision/applications/{application.pk}/notice.pdf").status_code == 404


def test_no_notice_before_approval(client, db):
    _call, applications, _list = in_publicity()
    client.force_login(user_for_role(Role.ENTERPRISE, enterprise=applications[0].enterprise))
    assert client.get(_url(applications[0])).status_code == 404
