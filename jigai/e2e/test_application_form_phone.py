"""The application form on a phone (390 px wide), in Chinese and in English: no part of the page
reaches past the screen (the investment and funding tables scroll inside their own box), the
submit and save buttons are reachable, and the English page shows no Chinese outside the data.
Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from jigai.e2e.test_application_flow import ENTERPRISE, start_application
from jigai.e2e.test_phones import PHONE, _page_width, _too_wide

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CJK = re.compile(r"[\u3400-\u9fff]")
#: where the form shows data (the call's and the catalog's own names), which stays as entered
DATA_SELECTORS = [
    "#id_direction option",
    "#id_site_district option",
    ".jg-investment td:first-child label",
    "tr[data-prerequisite] td:first-child",
    "#section-prerequisites label",
]


def _fits(page, label: str) -> None:
    width = _page_width(page)
    assert width <= PHONE["width"], f"{label}: {width}px {_too_wide(page)}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"application-form-{label}.png"), full_page=True)


def test_the_application_form_fits_a_phone_in_chinese_and_english(browser, live_server_url):
    from jigai.demo.accounts import DEMO_PASSWORD

    context = browser.new_context(
        base_url=live_server_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", ENTERPRISE)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        start_application(page)
        edit_url = page.url
        # a refused save shows the summary and the messages beside the fields: still on the screen
        page.locator("tr[data-fixed='true'] input").first.fill("1e5")
        page.fill("#id_jobs_created", "-3")
        page.click("#save-button")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#save-errors")).to_contain_text("不能为负数")
        _fits(page, "zh")
        page.locator("#save-button").scroll_into_view_if_needed()
        expect(page.locator("#save-button")).to_be_in_viewport()

        page.once("dialog", lambda dialog: dialog.accept())  # the refused edits are unsaved
        page.goto("/")
        page.locator("#nav-toggler").click()
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("networkidle")
        page.goto(edit_url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#save-button")).to_contain_text("Save draft")
        _fits(page, "en")
        # Chinese only in the data (call title, the catalog's and the call's own item names)
        data = set(
            page.evaluate(
                """s => [...document.querySelectorAll(s)].flatMap(e => [...e.childNodes])
                     .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent.trim())""",
                ", ".join(DATA_SELECTORS),
            )
        )
        lines = [line.strip() for line in page.locator("#draft-form").inner_text().splitlines()]
        leftover = [line for line in lines if CJK.search(line) and line not in data]
        assert not leftover, leftover[:10]
    finally:
        context.close()
