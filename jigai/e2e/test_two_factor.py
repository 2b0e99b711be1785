"""Two-factor sign-in in a real browser: a new enterprise user enrols an authenticator from the
user menu, keeps the backup codes, and from then on signs in with a password and a code; a backup
code works once. (A fresh account, so the demo accounts the other walks use stay as they are.)"""

from __future__ import annotations

import base64
import random
import re
import time

from django_otp.oath import TOTP
from playwright.sync_api import expect

from jigai.reference.codes import generate_credit_code

HOME = re.compile(r"^https?://[^/]+/$")
PASSWORD = "Shuang#Yin2026"  # noqa: S105 - the password of an account this test creates


def _code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _register(page, username: str) -> None:
    rng = random.Random()  # noqa: S311 - a fresh code per run, not a secret
    code = generate_credit_code(rng, division="310104")
    page.goto("/enterprises/register/")
    page.fill("input[name=credit_code]", code)
    page.fill("input[name=name]", f"上海双因子验证科技有限公司{code[-6:]}")
    page.select_option("select[name=district]", "310104")
    page.fill("input[name=address]", "上海市徐汇区虹漕路 88 号")
    page.select_option("select[name=industry]", "35")
    page.fill("input[name=employees]", "80")
    page.fill("input[name=operating_revenue]", "3200")
    page.fill("input[name=legal_representative]", "陆明")
    page.fill("input[name=contact_name]", "陆明")
    page.fill("input[name=contact_phone]", "021-64001234")
    page.fill("input[name=contact_email]", "luming@example.com")
    page.fill("input[name=username]", username)
    page.fill("input[name=display_name]", "陆明")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("#registration-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/enterprises/register/done/$"))


def _password_step(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_enrol_an_authenticator_and_sign_in_with_a_second_factor(page, login):
    username = f"shuang_{random.randrange(10**6):06d}"  # noqa: S311
    _register(page, username)
    login(username, PASSWORD)
    expect(page).to_have_url(HOME)  # enterprise users may opt in: not asked yet

    page.goto(page.locator("[data-menu=otp]").first.get_attribute("href") or "")  # in the user menu
    expect(page).to_have_url(re.compile(r"/accounts/otp/$"))
    secret = page.locator("#otp-secret").inner_text().strip()
    page.fill("#otp-setup-form input[name=token]", _code(secret))
    page.click("#otp-setup-form button[type=submit]")
    codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(codes) == 10

    # From now on the password alone is not enough.
    _password_step(page, username)
    expect(page).to_have_url(re.compile(r"/accounts/login/otp/$"))
    page.fill("#otp-form input[name=token]", "000000" if _code(secret, 1) != "000000" else "111111")
    page.click("#otp-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("验证码不正确或已使用过")
    page.wait_for_timeout(1500)  # django-otp's back-off after a wrong code: 1 s, then doubling
    page.fill("#otp-form input[name=token]", _code(secret, 1))  # the enrolment used this step's code
    page.click("#otp-form button[type=submit]")
    expect(page).to_have_url(HOME)
    expect(page.locator("form[action='/accounts/logout/']").first).to_be_attached()  # signed in

    # A backup code works once.
    for attempt in range(2):
        _password_step(page, username)
        page.fill("#otp-form input[name=token]", codes[0])
        page.click("#otp-form button[type=submit]")
        if attempt == 0:
            expect(page).to_have_url(HOME)
        else:
            expect(page.locator("body")).to_contain_text("验证码不正确或已使用过")
