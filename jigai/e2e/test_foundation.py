"""The foundation in a real browser: every demo role signs in and sees its own home page; the
auditor verifies the audit chain; the administrators' separation of duties holds on the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jigai.accounts.choices import Role
from jigai.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.username for a in DEMO_ACCOUNTS])
def test_each_role_signs_in_and_sees_its_home_page(page, login, account):
    login(account.username)
    expect(page).to_have_url(re.compile(r"/$"))
    badge = page.locator(f"[data-role='{account.role.value}']")
    expect(badge).to_have_text(str(Role(account.role).label))
    # Every role sees either to-do cards or the empty-state card that says what will come.
    expect(page.locator("#todos .todo-card").first).to_be_visible()
    # The navigation is the role's own: only the auditor has the audit trail.
    audit_link = page.locator("nav").first.locator("a[href='/audit/']")
    if account.role == Role.AUDITOR:
        expect(audit_link).to_be_visible()
    else:
        expect(audit_link).to_have_count(0)


def test_wrong_password_is_refused_in_chinese_and_keeps_the_username(page):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "municipal")
    page.fill("input[name=password]", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("账号或密码不正确")
    expect(page.locator("input[name=username]")).to_have_value("municipal")


def test_auditor_verifies_the_chain_and_sees_login_events(page, login):
    login("auditor")
    page.goto("/audit/")
    expect(page.locator("table")).to_contain_text("auth.login")
    page.get_by_role("button", name=re.compile("校验审计链")).click()
    expect(page.locator("body")).to_contain_text("审计链完整")


def test_system_administrator_cannot_read_the_audit_trail(page, login):
    login("sysadmin")
    response = page.goto("/audit/")
    assert response is not None and response.status == 403
    expect(page.locator("body")).to_contain_text("三员分立")


def test_district_officer_sees_only_its_district(page, login):
    login("district_pd")
    page.goto("/enterprises/")
    expect(page.locator("h1")).to_contain_text("浦东新区")
    codes = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert codes, "the district has enterprises"
    assert all(code.strip()[2:8] == "310115" for code in codes)


def test_language_switch_to_english(page, login):
    login("municipal")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav").first).to_contain_text("Home")
    expect(page.locator("footer")).to_contain_text("Public announcements")
    # a Latin font first in English, so that apostrophes are not set in a CJK font's full width
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("system-ui"), font


def test_logout(page, login):
    login("finance")
    page.goto("/")
    page.locator("[data-bs-toggle='dropdown']").last.click()
    page.get_by_role("button", name=re.compile("退出登录")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert DEMO_PASSWORD  # the fixture signs in with the demo password
