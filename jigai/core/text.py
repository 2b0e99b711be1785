"""Joining words and clauses the way the active language does.

Chinese lists a series with the enumeration comma "、" and runs clauses together with "，"; English
uses ", " for both. Code that builds a sentence from parts joins them here rather than typing a
full-width mark that then shows on English pages. The separators are translatable strings (with a
context, so that no other "、" in the catalogue shares their translation)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language, pgettext

__all__ = ["join_and", "join_clauses", "join_list", "join_messages", "join_sentence"]


def join_list(items: Iterable[Any]) -> str:
    """``["甲", "乙", "丙"]`` → "甲、乙、丙" in Chinese, "甲, 乙, 丙" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def join_clauses(clauses: Iterable[Any]) -> str:
    """Clauses of one sentence: "按…支持，最高 500 万元，验收后拨付" / "…, up to …, paid after …"."""
    return pgettext("clause separator", "，").join(str(clause) for clause in clauses)


def join_and(items: Iterable[Any]) -> str:
    """A series ending in "and": "甲、乙和丙" / "a, b and c"; one item alone, none → ""."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return pgettext("list last separator", "和").join([join_list(words[:-1]), words[-1]])


def join_sentence(parts: Iterable[Any]) -> str:
    """Parts of one sentence set apart by semicolons, with its full stop: "甲；乙。" / "a; b."."""
    separator = pgettext("sentence part separator", "；")
    return separator.join(str(part) for part in parts) + pgettext("sentence end", "。")


def join_messages(messages: Iterable[Any]) -> str:
    """Several whole messages (a refusal's reasons) in one line, set apart by "；" in Chinese and by
    a space in English (each message ends with its own full stop)."""
    separator = "；" if (get_language() or "zh-hans").startswith("zh") else " "
    return separator.join(str(message) for message in messages)
