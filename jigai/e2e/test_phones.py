"""Every role on a phone (390 px wide): the header folds into a menu, no page is wider than the
screen (tables scroll inside their own box or reflow), and the sign-out is reachable through the
menu button. Also the public publicity page for a visitor, with its navigation and amounts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jigai.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}

# Each role's main list: the page it works in most after its home.
MAIN_LIST = {
    "enterprise_demo": "/applications/mine/",
    "district_pd": "/review/district/",
    "district_pd_head": "/review/recommendations/",
    "municipal": "/review/municipal/",
    "municipal_head": "/review/decision/",
    "finance": "/review/decision/",
    "district_pd_finance": "/reference/",
    "ndrc": "/applications/",
    "expert_demo": "/review/expert/",
    "supervisor": "/enterprises/",
    "auditor": "/audit/",
    "sysadmin": "/accounts/users/",
    "secadmin": "/accounts/security/",
}


@pytest.fixture
def phone(browser, live_server_url: str):
    context = browser.new_context(
        base_url=live_server_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _page_width(page) -> int:
    page.wait_for_load_state("networkidle")
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _too_wide(page) -> list[str]:
    """The elements reaching past the screen outside a scrolling box (for the failure message)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-responsive'))
             .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )


def test_every_role_s_home_and_main_list_fit_a_phone_and_sign_out_is_in_the_menu(phone):
    assert set(MAIN_LIST) == {a.username for a in DEMO_ACCOUNTS}
    page = phone
    for account in DEMO_ACCOUNTS:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", account.username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/$"))
        for url in ("/", MAIN_LIST[account.username]):
            response = page.goto(url)
            assert response is not None and response.status == 200, (account.username, url)
            width = _page_width(page)
            assert width <= PHONE["width"], f"{account.username} {url}: {width}px {_too_wide(page)}"
            brand = page.locator(".jg-brand-name").bounding_box()
            assert brand is not None and brand["height"] < 40, "the product name stays on one line"
        # the desktop user menu is folded away; the menu button shows the sign-out
        expect(page.locator("#user-menu")).to_be_hidden()
        logout = page.locator("#nav-account").get_by_role("button", name="退出登录")
        expect(logout).to_be_hidden()
        page.click("#nav-toggler")
        expect(logout).to_be_visible()
        # the menu has finished unfolding (Bootstrap's collapse ends with .show), so the click lands
        expect(page.locator("#main-nav-items")).to_have_class(re.compile(r"\bshow\b"))
        logout.click()
        # signing out writes an audit event: on a busy CI machine the answer may take a few seconds
        expect(page).to_have_url(re.compile(r"/accounts/login/"), timeout=20_000)


def test_the_public_publicity_page_fits_a_phone_with_navigation_and_amounts(phone):
    page = phone
    page.goto("/publicity/")
    assert _page_width(page) <= PHONE["width"], _too_wide(page)
    page.click("#nav-toggler")
    nav = page.locator("#main-nav")
    expect(nav.get_by_role("link", name=re.compile("公示公告"))).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name=re.compile("登录"))).to_be_visible()
    table = page.locator("table.jg-publicity-table").first
    if not table.count():
        pytest.skip("演示数据中没有正在公示的名单")
    # every row shows its amount on the screen, not cut off beyond the table's edge
    amount = table.locator("tbody tr").first.locator("td").last
    # the open menu pushes the list below the fold: scrolled to, the amount is whole on the screen
    amount.scroll_into_view_if_needed()
    expect(amount).to_be_in_viewport(ratio=1)
    box = amount.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
