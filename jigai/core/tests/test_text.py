"""The locale-aware joins: "、" and "，" in Chinese, ", " in English."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from jigai.core.text import join_clauses, join_list


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
