"""The locale-aware joins: "、" and "，" in Chinese, ", " in English."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from jigai.core.text import join_and, join_clauses, join_list, join_messages, join_sentence


def test_join_list_follows_the_language():
    with translation.override("zh-hans"):
        assert join_list(["PDF", "JPG", "PNG"]) == "PDF、JPG、PNG"
        assert join_list([]) == ""
        assert join_list(["PDF"]) == "PDF"
    with translation.override("en"):
        assert join_list(["PDF", "JPG", "PNG"]) == "PDF, JPG, PNG"


def test_join_clauses_follows_the_language():
    with translation.override("zh-hans"):
        assert join_clauses(["甲", "乙"]) == "甲，乙"
    with translation.override("en"):
        assert join_clauses(["a", "b"]) == "a, b"


def test_lazy_items_are_rendered_in_the_active_language():
    with translation.override("en"):
        assert join_list([gettext_lazy("元"), gettext_lazy("万元")]) == "yuan, 10k yuan"


def test_join_and_ends_the_series_with_the_languages_and():
    with translation.override("zh-hans"):
        assert join_and(["项目名称", "主要技术内容"]) == "项目名称和主要技术内容"
        assert join_and(["甲", "乙", "丙"]) == "甲、乙和丙"
        assert join_and(["甲"]) == "甲"
        assert join_and([]) == ""
    with translation.override("en"):
        assert (
            join_and([gettext_lazy("项目名称"), gettext_lazy("主要技术内容")])
            == "Project name and Main technical content"
        )
        assert join_and(["a", "b", "c"]) == "a, b and c"


def test_join_sentence_ends_with_the_languages_full_stop():
    with translation.override("zh-hans"):
        assert join_sentence(["尚未完成：甲", "请填写文号：乙"]) == "尚未完成：甲；请填写文号：乙。"
    with translation.override("en"):
        assert join_sentence(["a", "b"]) == "a; b."


def test_join_messages():
    with translation.override("zh-hans"):
        assert join_messages(["甲不对。", "乙不对。"]) == "甲不对。；乙不对。"
    with translation.override("en"):
        assert join_messages(["A is wrong.", "B is wrong."]) == "A is wrong. B is wrong."
