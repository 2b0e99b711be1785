"""District recommendation in a real browser, on the demo data: the Pudong officer takes up a
submitted application, prepares a recommendation, the Pudong head signs it with a document number,
and the application shows 区已推荐."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect


def test_district_officer_recommends_and_head_signs(page, login):
    login("district_pd")
    page.goto("/review/district/?tab=pending")
    rows = page.locator("#workbench-table tbody tr[data-application-id]")
    assert rows.count() > 0, "the demo has submitted applications in 浦东新区 (setup_demo)"
    first = rows.first
    application_id = first.get_attribute("data-application-id")
    reference = first.get_attribute("data-reference")

    # The officer takes it up on its review page, where the eligibility results are shown.
    first.locator("a", has_text=reference).click()
    expect(page.locator("#eligibility")).to_be_visible()
    page.locator("[data-action='district-start']").click()
    expect(page.locator("#application-status")).to_have_text("区级审核中")

    # …and prepares the recommendation document (rank and opinion).
    page.locator("[data-action='prepare']").click()
    expect(page.locator("#prepare-table")).to_contain_text(reference)
    page.fill(f"input[name=priority_{application_id}]", "1")
    page.fill("#opinion", "经审核，项目符合申报条件，同意推荐。")
    page.locator("#prepare-submit").click()
    expect(page.locator("#recommendation-status")).to_have_text("经办人已拟推荐")
    document_url = page.url
    # The officer cannot sign: the button is disabled and says why.
    expect(page.locator("#sign-card")).to_contain_text("只有区经委负责人可以签发推荐文件")

    # The head signs it with the document number.
    page.context.clear_cookies()
    login("district_pd_head")
    expect(page.locator("[data-todo='review.recommendations_to_sign'] .count")).not_to_have_text("0")
    page.goto(document_url)
    number = f"浦科经委〔2026〕{int(time.time()) % 100000}号"
    page.fill("#document-number", number)
    page.locator("#sign-submit").click()
    expect(page.locator("#recommendation-status")).to_have_text("负责人已签发")
    expect(page.locator("body")).to_contain_text(f"推荐文件已签发（推荐文号 {number}）")
    expect(
        page.locator(f"#recommendation-items tr[data-application-id='{application_id}'] [data-status]")
    ).to_have_text("区已推荐")

    # The application itself now shows 区已推荐, with the step in its history.
    page.goto(f"/review/district/{application_id}/")
    expect(page.locator("#application-status")).to_have_text("区已推荐")
    expect(page.locator("body")).to_contain_text(re.compile(re.escape(number)))
