"""The reference data a visitor reads: the whole industry classification (a software company can
find its division) and English names on English pages, keeping the codes."""

from __future__ import annotations

from playwright.sync_api import expect


def test_registration_offers_every_division(page):
    page.goto("/enterprises/register/")
    industry = page.locator("select[name=industry]")
    expect(industry.locator("option[value='65']")).to_have_text("65 软件和信息技术服务业")
    expect(industry.locator("option[value='64']")).to_have_text("64 互联网和相关服务")
    page.select_option("select[name=industry]", "65")
    expect(industry).to_have_value("65")


def test_reference_page_in_english_names_districts_and_industries_in_english(browser, live_server_url):
    context = browser.new_context(base_url=live_server_url, locale="en-US", timezone_id="Asia/Shanghai")
    page = context.new_page()
    try:
        page.goto("/reference/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        districts = page.locator("table[aria-labelledby=districts]")
        expect(districts).to_contain_text("Pudong New Area")
        expect(districts).to_contain_text("Jiading District")
        expect(districts).not_to_contain_text("嘉定区")
        industries = page.locator("table[aria-labelledby=industries]")
        expect(industries).to_contain_text(
            "Information Transmission, Software and Information Technology Services"
        )
        expect(industries).not_to_contain_text("制造业")
    finally:
        context.close()
