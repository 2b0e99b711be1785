"""Identifier checks: unified social credit code (GB 32100-2015) and investment project code
(GB/T 40058-2021). See rules.md §4."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 body: digits and capitals

_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_PROJECT_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{5})([0-9A-Z])$")


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    value = 31 - total % 31
    return CREDIT_CHARSET[0 if value == 31 else value]


def org_code_check_char(first8: str) -> str:
    total = sum(ORG_CODE_CHARSET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@dataclass
class CodeCheck:
    code: str
    valid: bool
    errors: list[str] = field(default_factory=list)


def check_credit_code(raw: str) -> CodeCheck:
    """Check a unified social credit code; errors are in Chinese and say what is wrong."""
    code = (raw or "").strip().upper()
    errors: list[str] = []
    if len(code) != 18:
        return CodeCheck(code, False, [f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。"])
    if not _CREDIT_SHAPE.match(code):
        bad = sorted({c for c in code if c not in CREDIT_CHARSET})
        return CodeCheck(code, False, [f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。"])
    if code[16:17] and code[:17] and credit_check_char(code[:17]) != code[17]:
        errors.append("统一社会信用代码第 18 位校验码不正确。")
    org = code[8:17]
    if all(c in ORG_CODE_CHARSET for c in org[:8]) and org_code_check_char(org[:8]) != org[8]:
        errors.append("统一社会信用代码第 9–17 位（组织机构代码）的校验码不正确。")
    return CodeCheck(code, not errors, errors)


def generate_credit_code(rng: random.Random, *, division: str = "310115", authority: str = "9",
                         entity_type: str = "1") -> str:
    """A code that passes both checks (for demo and bench data; real codes come from registration)."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = body + org_code_check_char(body)
    first17 = authority + entity_type + division + org
    return first17 + credit_check_char(first17)


def check_project_code(raw: str) -> CodeCheck:
    """Shape check of the 24-character investment project code (YYYY-RRRRRR-DD-TT-NNNNNC).

    The check character's algorithm is not published, so it is not verified (rules.md §4)."""
    code = (raw or "").strip().upper()
    m = _PROJECT_CODE.match(code)
    if not m:
        return CodeCheck(code, False, [
            "投资项目代码应为 24 位，格式为“年份(4)-区划(6)-行业主管部门(2)-项目类型(2)-流水号(5)及校验码(1)”，"
            "例如 2026-310115-34-03-012345。"
        ])
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        return CodeCheck(code, False, [f"投资项目代码中的年份 {year} 不合理。"])
    return CodeCheck(code, True, [])
