"""Enterprise registration in a real browser: a new enterprise registers from the login page, the
Pudong district officer confirms it with the htmx button, the new user signs in, sees the confirmed
status on its home page and its 企业信息 page, and applies online to the open call up to a submitted
application with its attachments."""

from __future__ import annotations

import random
import re

from playwright.sync_api import expect

from jigai.e2e.test_application_flow import apply_and_submit
from jigai.reference.codes import generate_credit_code

PASSWORD = "Qiye#2026e2e"  # noqa: S105 - the password of an account this test creates


def test_register_confirm_and_sign_in(page, login):
    rng = random.Random()  # noqa: S311 - a fresh code per run, not a secret
    code = generate_credit_code(rng, division="310115")
    suffix = code[-6:]
    name = f"上海浦江精密制造有限公司{suffix}"
    username = f"pjjm_{suffix.lower()}"

    page.goto("/accounts/login/")
    page.click("#register-link")
    expect(page).to_have_url(re.compile(r"/enterprises/register/$"))

    # A first attempt with a mistyped code (check character) and a short password: refused in
    # Chinese beside the fields, with what was typed kept.
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    page.fill("input[name=credit_code]", wrong)
    page.fill("input[name=name]", name)
    page.select_option("select[name=district]", "310115")
    page.fill("input[name=address]", "上海市浦东新区川沙路 1688 号")
    page.select_option("select[name=industry]", "35")
    page.fill("input[name=employees]", "260")
    page.fill("input[name=operating_revenue]", "8800.50")
    page.fill("input[name=legal_representative]", "顾伟民")
    page.fill("input[name=high_tech_certificate_number]", "GR202431002468")
    page.fill("input[name=high_tech_valid_until]", "2027-11-30")
    page.select_option("select[name=specialised_status]", "municipal")
    page.fill("input[name=contact_name]", "沈丽")
    page.fill("input[name=contact_phone]", "021-68881234")
    page.fill("input[name=contact_email]", "shenli@example.com")
    page.fill("input[name=username]", username)
    page.fill("input[name=display_name]", "沈丽")
    page.fill("input[name=password]", "short")
    page.fill("input[name=password_confirm]", "short")
    page.click("#registration-form button[type=submit]")
    expect(page.locator("[data-field=credit_code]")).to_contain_text("第 18 位校验码与前 17 位不符")
    expect(page.locator("[data-field=password]")).to_contain_text("密码长度太短")
    expect(page.locator("input[name=name]")).to_have_value(name)
    expect(page.locator("input[name=operating_revenue]")).to_have_value("8800.50")

    page.fill("input[name=credit_code]", code)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("#registration-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/enterprises/register/done/$"))
    expect(page.locator("#registration-done")).to_contain_text(name)
    expect(page.locator("#registration-done")).to_contain_text("浦东新区")

    # The Pudong district officer finds it among the pending registrations and confirms it.
    login("district_pd")
    page.goto("/enterprises/?status=pending")
    page.get_by_role("link", name=name).click()
    expect(page.locator("#enterprise-decision")).to_have_attribute("data-status", "pending")
    page.click("#confirm-button")
    expect(page.locator("#enterprise-decision")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#enterprise-decision")).to_contain_text("已由所在区经委确认")

    # The new user signs in: the home page says the district has confirmed the enterprise.
    page.context.clear_cookies()
    login(username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    card = page.locator("[data-todo='enterprises.own_status']")
    expect(card).to_contain_text("企业信息已由所在区经委确认")
    page.locator("nav a[href='/enterprises/me/']").click()
    expect(page.locator("#own-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#enterprise-users")).to_contain_text(username)
    expect(page.locator("input[name=name]")).to_be_disabled()

    # And applies online, from the open call to a submitted application with its attachments.
    apply_and_submit(page)
