"""The public publicity page (公示) in a real browser, without signing in: the list in publicity,
its closing date, and an objection lodged through the form.

The demo's list comes from :func:`jigai.demo.demo_publicity.demo_publicity_seed` (called by
``manage.py setup_demo``): the closed 2026 call's proposed list, published the day the demo is
generated. A demo without it is skipped with the reason rather than failed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


def _current_list(page):
    page.goto("/publicity/")
    expect(page.locator("h1")).to_contain_text("拟支持项目公示")
    if page.locator("#no-current").count():
        pytest.skip("演示数据中没有正在公示的名单（setup_demo 未调用 demo_publicity_seed）")
    return page.locator("section.jg-publicity-list").first


def test_the_public_page_shows_the_list_without_signing_in(page):
    section = _current_list(page)
    expect(page.locator("#user-menu")).to_have_count(0)  # nobody is signed in
    rows = section.locator("table.jg-publicity-table tbody tr")
    assert rows.count() >= 1
    first = rows.first
    expect(first.locator("td").nth(1)).to_have_text(re.compile(r"^JG\d{4}-\d{6}-\d{5}$"))
    expect(first.locator("td").nth(4)).to_have_text(re.compile("区$"))
    expect(first.locator("td").nth(5)).to_have_text(re.compile(r"^[\d,]+\.\d{2}$"))
    expect(section.locator(".jg-closing")).to_contain_text(re.compile(r"截止时间：\d{4}-\d{2}-\d{2} 23:59"))


def test_anyone_lodges_an_objection_on_the_public_page(page):
    section = _current_list(page)
    reference = section.locator("table.jg-publicity-table tbody tr").first.locator("td").nth(1).inner_text()
    section.locator("summary", has_text="提出异议").click()
    form = section.locator("form.jg-objection-form")
    form.locator("input[name=name]").fill("张明")
    form.locator("input[name=contact]").fill("13912345678")
    form.locator("input[name=reference_number]").fill(reference)
    form.locator("textarea[name=content]").fill("该项目申报的设备购置投资与实际采购合同金额不符，请予核实。")
    form.get_by_role("button", name="提交异议").click()
    expect(page.locator(".jg-messages")).to_contain_text("您的异议已收到")
    # The list's own page: the form is there for the next objector, the list unchanged.
    expect(page).to_have_url(re.compile(r"/publicity/\d+/$"))
    expect(page.locator("#objection form")).to_be_visible()
    expect(page.locator("table.jg-publicity-table")).to_contain_text(reference)


def test_an_incomplete_objection_is_refused_in_chinese_and_keeps_the_input(page):
    section = _current_list(page)
    section.locator("summary", has_text="提出异议").click()
    form = section.locator("form.jg-objection-form")
    form.locator("input[name=name]").fill("李华")
    form.get_by_role("button", name="提交异议").click()
    expect(page.locator("#objection")).to_contain_text("这个字段是必填项")
    expect(page.locator("#objection input[name=name]")).to_have_value("李华")
