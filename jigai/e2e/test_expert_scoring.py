"""An expert's scoring in a real browser: ``expert_demo`` signs in, finds its assignment (drawn by
the demo's panel, jigai.demo.demo_experts), declares no conflict of interest, opens the application,
scores it criterion by criterion and sees it as scored; the officer sees the panel with its seed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from jigai.demo.demo_experts import SEED


def test_expert_demo_declares_scores_and_sees_it_scored(page, login):
    login("expert_demo")
    page.goto("/review/expert/")
    rows = page.locator("#assignment-table tbody tr[data-status='drawn']")
    expect(rows.first).to_be_visible()
    first = rows.first
    assignment_id = first.get_attribute("data-assignment-id")
    first.get_by_role("link", name="声明利益冲突").click()

    # Before the declaration the application itself is not shown, and scoring is refused.
    expect(page.locator("#declaration")).to_be_visible()
    expect(page.locator("#application-summary")).to_have_count(0)
    page.locator("#declare-no-conflict").click()
    expect(page.locator("body")).to_contain_text("已声明无利益冲突")
    expect(page.locator("#assignment-status")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#application-summary")).to_contain_text("主要技术内容")

    page.locator("#score-link").click()
    expect(page).to_have_url(re.compile(rf"/review/expert/assignments/{assignment_id}/score/$"))
    # the materials are on the score page itself, and the weighted total runs while typing
    expect(page.locator("#application-summary")).to_contain_text("主要技术内容")
    expect(page.locator("#running-total")).to_have_text(re.compile(r"^[\d.]+$"))
    # A first try without the overall comment is refused and keeps what was typed.
    for code, value in [
        ("technical_advancement", "86"),
        ("economic_benefit", "78.5"),
        ("implementation_capacity", "80"),
        ("investment_reasonableness", "72"),
        ("catalog_fit", "95"),
    ]:
        page.fill(f"#score_{code}", value)
        page.fill(f"#comment_{code}", "论证充分，数据可信。")
    # 86×30% + 78.5×25% + 80×20% + 72×15% + 95×10% = 81.725, shown to two places as typed
    expect(page.locator("#running-total")).to_have_text(re.compile(r"^81\.7[23]$"))
    page.fill("#investment_opinion", "20000000")
    page.locator("#submit-scores").click()
    expect(page.locator("body")).to_contain_text("请填写总体评审意见。")
    expect(page.locator("#score_economic_benefit")).to_have_value("78.5")

    page.fill("#overall_comment", "项目技术路线清晰，投资构成基本合理，建议支持。")
    page.locator("#submit-scores").click()
    expect(page.locator("body")).to_contain_text("评分已提交")
    expect(page.locator("#assignment-status")).to_have_attribute("data-status", "scored")
    # 86×30% + 78.5×25% + 80×20% + 72×15% + 95×10% = 81.725, 81.73 (half up)
    expect(page.locator("#my-scores")).to_contain_text("加权总分 81.73")

    page.goto("/review/expert/?tab=scored")
    scored = page.locator(f"#assignment-table tbody tr[data-assignment-id='{assignment_id}']")
    expect(scored).to_have_attribute("data-status", "scored")
    expect(scored).to_contain_text("81.73")


def test_the_officer_sees_the_panel_with_its_seed(page, login):
    login("municipal")
    page.goto("/review/panels/")
    page.locator("#panel-calls a").first.click()
    expect(page.locator("#panel-seed")).to_have_text(SEED)
    page.locator("#verify-link").click()
    expect(page.locator("#verify-result")).to_contain_text("全部抽取结果均可由随机种子重现")
