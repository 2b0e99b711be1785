"""Funds in a real browser, on the demo data: the municipal officer drafts the fund plan of the demo
enterprise's approved project, the municipal head and the finance bureau approve it (the drafter's
own approval button is disabled with the reason), the finance officer records the first payment,
and the enterprise sees its approved amount, instalments and the payment with the account masked."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_draft_two_approvals_one_payment_and_the_enterprise_sees_it(page, login):
    login("municipal")
    page.goto("/funds/plans/")
    form = page.locator("#plan-draft-form")
    expect(form).to_be_visible()
    form.locator("input[name=title]").fill("2026年度技术改造专项资金计划（端到端）")
    form.locator("button[type=submit]").click()
    expect(page.locator("#plan-status")).to_have_text("草稿")
    plan_url = page.url
    assert re.search(r"/funds/plans/\d+/$", plan_url), plan_url

    page.context.clear_cookies()
    login("municipal_head")
    page.goto(plan_url)
    page.locator("[data-action='head_approve']").click()
    expect(page.locator("#plan-status")).to_have_text("市经信委已审核")

    page.context.clear_cookies()
    login("finance")
    page.goto(plan_url)
    page.locator("[data-action='finance_approve']").click()
    expect(page.locator("#plan-status")).to_have_text("已下达")
    page.locator("tr[data-level='municipal'] a", has_text="登记拨付").first.click()
    page.fill("input[name=voucher_number]", "沪财拨〔2026〕901号")
    page.fill("input[name=bank_account]", "6222 0299 8877 6654 321")
    page.locator("#payment-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/funds/plans/\d+/$"))
    expect(page.locator("body")).to_contain_text("拨付已登记，收款账号 6222 **** **** 4321", timeout=15_000)

    page.context.clear_cookies()
    login("enterprise_demo")
    page.goto("/funds/projects/")
    project = page.locator("[data-project]").first
    expect(project.locator("[data-approved]")).to_contain_text("元")
    expect(project.locator("[data-payments]")).to_contain_text("6222 **** **** 4321")
    expect(page.locator("body")).not_to_contain_text("62220299887766543")
