from __future__ import annotations

import re
import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of: lower-case, upper-case, digits, other characters the password uses."""
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    """A password must mix at least ``min_classes`` of the four character classes (等保 2.0)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。") % {"n": self.min_classes}


class MinimumLengthValidator:
    """Django's length rule with a message in the platform's languages (Django 5.2's Chinese
    catalogue lacks the current wording of its own message)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码长度太短，至少需要 %(n)d 个字符。") % {"n": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}


class PasswordHistoryValidator:
    """The new password may not be any of the user's last ``count`` passwords (等保 2.0; the
    current one included). The hashes are kept in ``PasswordHistory``."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or self.count <= 0:
            return
        from django.contrib.auth.hashers import check_password

        from jigai.accounts.models import PasswordHistory

        hashes = [user.password] if user.password else []
        hashes += list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count]
        )
        if any(check_password(password, encoded) for encoded in hashes[: self.count]):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.count}


# Keyboard walks (rows, columns, the alphabet, digits) and the words and numbers that Chinese users
# most often build passwords from (pinyin, love numbers, lucky numbers); see docs/security.md.
_WALKS = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
    "01234567890",
    "09876543210",
)
WEAK_WORDS = frozenset(
    """a aa aaa ab abc abcd admin administrator root user guest pass passwd password p ssw rd
    iloveyou love woaini aini woaiwojia nihao wodemima mima zhang wang li liu chen yang zhao huang
    zhou wu xu sun ma zhu hu guo he lin luo gao qq wechat weixin baidu taobao""".split()
)
WEAK_NUMBERS = frozenset(
    "520 521 1314 5201314 1314520 168 518 666 888 6666 8888 666666 888888 110 119 12 123 007".split()
)
_SHIFTED = str.maketrans("!@#$%^&*()", "1234567890")
_RUNS = re.compile(r"[a-z]+|[0-9]+")


def _weak_run(run: str) -> bool:
    if run in WEAK_WORDS or run in WEAK_NUMBERS or len(set(run)) == 1:
        return True
    if run.isdigit() and len(run) == 4 and run[:2] in ("19", "20"):  # a year
        return True
    return (len(run) >= 2 and any(run in walk for walk in _WALKS)) or (len(run) == 1 and run.isdigit())


def is_pattern_password(password: str) -> bool:
    """Whether the password is made only of weak pieces: keyboard walks (``Qwer1234``,
    ``1qaz@WSX``), pinyin and common words (``Woaini520``, ``Aa123456``), love and lucky numbers,
    years, repeated characters. Shifted digits count as their digit; other symbols are ignored."""
    lowered = password.lower()
    for candidate in (lowered.translate(_SHIFTED), lowered):  # "1qaz@WSX", "Abc@1234"
        if any(candidate.replace(" ", "") in walk for walk in _WALKS):
            return True
        runs = _RUNS.findall(candidate)
        if runs and all(_weak_run(run) for run in runs):
            return True
    return False


class ChinesePatternValidator:
    """Refuses passwords built from Chinese pinyin words and keyboard patterns, which Django's
    list of common (English) passwords does not know."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_pattern_password(password):
            raise ValidationError(
                _("密码由常见拼音、键盘序列或常用数字组成，容易被猜中，请换一个。"), code="password_pattern"
            )

    def get_help_text(self) -> str:
        return _("不能由常见拼音、键盘序列或常用数字组成。")
