from __future__ import annotations

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
