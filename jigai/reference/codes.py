"""Identifier checks: unified social credit code (GB 32100-2015) and investment project code
(GB/T 40058-2021). See rules.md §4.

Both checks are pure functions returning a :class:`CodeCheck`: the normalised code, whether it is
valid, the errors that make it invalid, warnings that do not, and the facts the code states
(authority, entity type, division...) for display. Messages are Chinese and name the position
that is wrong, but never the expected check character: a user who mistyped a middle character
would otherwise "fix" the last one and produce a well-formed wrong code.

Input is normalised before checking: NFKC (full-width ``９１３１…`` from a Chinese input method
becomes ASCII), whitespace removed, upper-cased.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.core.text import join_list
from jigai.reference.data import DISTRICTS

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 body: digits, then A=10 … Z=35
CREDIT_CODE_LENGTH = 18

# GB 32100-2015 table 1 and its amendments: registration authority (position 1) and, for each,
# the entity types (position 2) it registers.
REGISTRATION_AUTHORITIES = {
    "1": gettext_lazy("机构编制"),
    "2": gettext_lazy("外交"),
    "3": gettext_lazy("司法行政"),
    "4": gettext_lazy("文化"),
    "5": gettext_lazy("民政"),
    "6": gettext_lazy("旅游"),
    "7": gettext_lazy("宗教"),
    "8": gettext_lazy("工会"),
    "9": gettext_lazy("工商/市场监管"),
    "A": gettext_lazy("中央军委改革和编制办公室"),
    "N": gettext_lazy("农业"),
    "Y": gettext_lazy("其他"),
}
_OTHER = gettext_lazy("其他")
ENTITY_TYPES = {
    "1": {
        "1": gettext_lazy("机关"),
        "2": gettext_lazy("事业单位"),
        "3": gettext_lazy("中央编办直接管理机构编制的群众团体"),
        "9": _OTHER,
    },
    "2": {"1": gettext_lazy("外国常驻新闻机构"), "9": _OTHER},
    "3": {
        "1": gettext_lazy("律师执业机构"),
        "2": gettext_lazy("公证处"),
        "3": gettext_lazy("基层法律服务所"),
        "4": gettext_lazy("司法鉴定机构"),
        "5": gettext_lazy("仲裁委员会"),
        "9": _OTHER,
    },
    "4": {"1": gettext_lazy("外国在华文化中心"), "9": _OTHER},
    "5": {
        "1": gettext_lazy("社会团体"),
        "2": gettext_lazy("民办非企业单位"),
        "3": gettext_lazy("基金会"),
        "9": _OTHER,
    },
    "6": {
        "1": gettext_lazy("外国旅游部门常驻代表机构"),
        "2": gettext_lazy("港澳台地区旅游部门常驻内地（大陆）代表机构"),
        "9": _OTHER,
    },
    "7": {"1": gettext_lazy("宗教活动场所"), "2": gettext_lazy("宗教院校"), "9": _OTHER},
    "8": {"1": gettext_lazy("基层工会"), "9": _OTHER},
    "9": {"1": gettext_lazy("企业"), "2": gettext_lazy("个体工商户"), "3": gettext_lazy("农民专业合作社")},
    "A": {"1": gettext_lazy("军队事业单位"), "9": _OTHER},
    "N": {
        "1": gettext_lazy("组级集体经济组织"),
        "2": gettext_lazy("村级集体经济组织"),
        "3": gettext_lazy("乡镇级集体经济组织"),
        "9": _OTHER,
    },
    "Y": {"1": gettext_lazy("不再细分")},
}
SHANGHAI_DIVISION_PREFIX = "31"
_DISTRICT_NAMES = {code: name for code, name, _en in DISTRICTS}

_PROJECT_CODE_LENGTH = 24
_PROJECT_SEGMENTS = (  # (label, length, pattern) of YYYY-RRRRRR-DD-TT-NNNNNC
    (gettext_lazy("年份"), 4, re.compile(r"[0-9]{4}")),
    (gettext_lazy("行政区划"), 6, re.compile(r"[0-9]{6}")),
    (gettext_lazy("行业主管部门"), 2, re.compile(r"[0-9]{2}")),
    (gettext_lazy("项目类型"), 2, re.compile(r"[0-9]{2}")),
    (gettext_lazy("流水号及校验码"), 6, re.compile(r"[0-9]{5}[0-9A-Z]")),
)
PROJECT_CODE_FIRST_YEAR = 2000
PROJECT_CODE_EXAMPLE = "2026-310115-34-03-012345"


@dataclass
class CodeCheck:
    """The outcome of checking one identifier."""

    code: str
    valid: bool
    errors: list[str] = field(default_factory=list)
    #: doubts that do not make the code invalid (e.g. registered outside Shanghai)
    warnings: list[str] = field(default_factory=list)
    #: what the code says, as (label, value) pairs, for display
    facts: list[tuple[str, str]] = field(default_factory=list)


def normalise_code(raw: str | None) -> str:
    """NFKC (full-width to ASCII), no whitespace, upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def credit_check_char(first17: str) -> str:
    """Position 18: 31 − (Σ value × 3^(i−1) mod 31) mod 31, mapped through the character set."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    value = 31 - total % 31
    return CREDIT_CHARSET[0 if value == 31 else value]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check of the organisation code: 11 − (Σ mod 11); 10 → X, 11 → 0."""
    total = sum(ORG_CODE_CHARSET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_credit_code_shape(code: str) -> bool:
    """18 characters of the GB 32100 character set (checks not applied)."""
    return len(code) == CREDIT_CODE_LENGTH and all(c in CREDIT_CHARSET for c in code)


def _forbidden_positions(code: str) -> list[str]:
    return [
        _("第 %(pos)d 位“%(char)s”") % {"pos": i + 1, "char": c}
        for i, c in enumerate(code)
        if c not in CREDIT_CHARSET
    ]


def _division_facts(division: str) -> tuple[str, list[str]]:
    """A readable name of a GB/T 2260 division and the warnings it raises."""
    if not division.startswith(SHANGHAI_DIVISION_PREFIX):
        return division, [
            _(
                "第 3–8 位登记管理机关行政区划码 %(div)s 不在上海市（上海的代码以 31 开头），"
                "请确认该单位在上海依法登记。"
            )
            % {"div": division}
        ]
    if division in _DISTRICT_NAMES:
        return f"{division} {_('上海市')}{_DISTRICT_NAMES[division]}", []
    if division == "310000":
        return f"{division} {_('上海市（市级登记机关）')}", []
    return f"{division} {_('上海市（其他区划代码）')}", []


def check_credit_code(raw: str | None) -> CodeCheck:
    """Check a unified social credit code (GB 32100-2015); errors in Chinese name what is wrong.

    Fails on: length, characters outside the set (I, O, S, V, Z and others), an unknown
    registration authority (position 1), an entity type its authority does not register
    (position 2), a division code that is not 6 digits (positions 3–8), the organisation code's
    own check (position 17) and the code's check character (position 18). A division outside
    Shanghai only warns: an enterprise registered elsewhere may have moved here.
    """
    code = normalise_code(raw)
    if not code:
        return CodeCheck(code, False, [_("请填写统一社会信用代码。")])
    errors: list[str] = []
    if len(code) != CREDIT_CODE_LENGTH:
        errors.append(_("统一社会信用代码应为 18 位，当前为 %(n)d 位。") % {"n": len(code)})
    bad = _forbidden_positions(code)
    if bad:
        errors.append(
            _("%(where)s不是统一社会信用代码允许的字符（只用数字和除 I、O、S、V、Z 以外的大写字母）。")
            % {"where": join_list(bad)}
        )
    if errors:
        return CodeCheck(code, False, errors)

    warnings: list[str] = []
    facts: list[tuple[str, str]] = []
    authority, entity_type, division, org_code = code[0], code[1], code[2:8], code[8:17]

    if authority in REGISTRATION_AUTHORITIES:
        facts.append((_("登记管理部门"), f"{authority} {REGISTRATION_AUTHORITIES[authority]}"))
        types = ENTITY_TYPES[authority]
        if entity_type in types:
            facts.append((_("机构类别"), f"{entity_type} {types[entity_type]}"))
        else:
            allowed = join_list(f"{k} {v}" for k, v in types.items())
            errors.append(
                _("第 2 位机构类别代码“%(t)s”不是登记管理部门“%(a)s”使用的类别（应为：%(allowed)s）。")
                % {"t": entity_type, "a": REGISTRATION_AUTHORITIES[authority], "allowed": allowed}
            )
    else:
        errors.append(
            _("第 1 位登记管理部门代码“%(a)s”不存在（应为 1–9、A、N 或 Y，企业一般为 9 工商/市场监管）。")
            % {"a": authority}
        )

    if division.isdigit():
        label, division_warnings = _division_facts(division)
        facts.append((_("登记管理机关行政区划"), label))
        warnings.extend(division_warnings)
    else:
        errors.append(
            _("第 3–8 位登记管理机关行政区划码“%(div)s”应为 6 位数字（GB/T 2260）。") % {"div": division}
        )

    facts.append((_("组织机构代码"), f"{org_code[:8]}-{org_code[8]}"))
    if org_code_check_char(org_code[:8]) != org_code[8]:
        errors.append(
            _(
                "第 17 位（组织机构代码校验码）与第 9–16 位不符：第 9–17 位不是有效的组织机构代码，"
                "请逐位核对营业执照上的代码。"
            )
        )
    if credit_check_char(code[:17]) != code[17]:
        errors.append(_("第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"))
    return CodeCheck(code, not errors, errors, warnings, facts)


def generate_credit_code(
    rng: random.Random, *, division: str = "310115", authority: str = "9", entity_type: str = "1"
) -> str:
    """A code that passes both checks (for demo and bench data; real codes come from registration)."""
    body = "".join(rng.choice(CREDIT_CHARSET) for _ in range(8))
    org = body + org_code_check_char(body)
    first17 = authority + entity_type + division + org
    return first17 + credit_check_char(first17)


def check_project_code(raw: str | None) -> CodeCheck:
    """Shape check of the 24-character investment project code (YYYY-RRRRRR-DD-TT-NNNNNC).

    The check character's algorithm is not published, so it is not verified (rules.md §4). A year
    before 2000 or after the current year fails; a region outside Shanghai only warns.
    """
    code = normalise_code(raw)
    shape = _(
        "投资项目代码应为 24 位，格式为“年份(4)-区划(6)-行业主管部门(2)-项目类型(2)-流水号(5)及校验码(1)”，"
        "例如 %(ex)s。"
    ) % {"ex": PROJECT_CODE_EXAMPLE}
    if not code:
        return CodeCheck(code, False, [_("请填写投资项目代码。")])
    parts = code.split("-")
    if len(parts) != len(_PROJECT_SEGMENTS):
        errors = [shape]
        if len(code) != _PROJECT_CODE_LENGTH:
            errors.insert(0, _("投资项目代码当前为 %(n)d 位。") % {"n": len(code)})
        return CodeCheck(code, False, errors)
    errors = []
    facts: list[tuple[str, str]] = []
    for index, (part, (label, length, pattern)) in enumerate(zip(parts, _PROJECT_SEGMENTS, strict=True)):
        if pattern.fullmatch(part):
            facts.append((str(label), part))
            continue
        kind = _("位数字") if index < len(_PROJECT_SEGMENTS) - 1 else _("位（5 位数字加 1 位数字或大写字母）")
        errors.append(
            _("第 %(i)d 段（%(label)s）“%(part)s”应为 %(n)d %(kind)s。")
            % {"i": index + 1, "label": label, "part": part, "n": length, "kind": kind}
        )
    if errors:
        return CodeCheck(code, False, [*errors, shape], [], facts)
    warnings: list[str] = []
    year = int(parts[0])
    this_year = timezone.localdate().year
    if not PROJECT_CODE_FIRST_YEAR <= year <= this_year:
        errors.append(
            _("投资项目代码中的年份 %(y)d 不合理（应在 %(first)d 至 %(now)d 年之间）。")
            % {"y": year, "first": PROJECT_CODE_FIRST_YEAR, "now": this_year}
        )
    if not parts[1].startswith(SHANGHAI_DIVISION_PREFIX):
        warnings.append(
            _("投资项目代码中的区划 %(r)s 不在上海市（上海的代码以 31 开头），请确认项目代码。")
            % {"r": parts[1]}
        )
    return CodeCheck(code, not errors, errors, warnings, facts)
