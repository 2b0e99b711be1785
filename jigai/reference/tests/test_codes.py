"""GB 32100-2015 credit codes and GB/T 40058-2021 project codes (rules.md §4)."""

from __future__ import annotations

import random

import pytest

from jigai.reference.codes import (
    CREDIT_CHARSET,
    check_credit_code,
    check_project_code,
    credit_check_char,
    generate_credit_code,
    is_credit_code_shape,
    org_code_check_char,
)

# Real codes of well-known companies, printed on their business licences.
REAL_CODES = [
    "91310000132149237G",
    "91310000132260250X",  # 上海汽车集团股份有限公司
    "91310000631696382C",  # 宝山钢铁股份有限公司
    "91310000MA1FL1MMXL",  # letters in the organisation code
    "91110000710925462X",
    "914403001922038216",
]


# --- An independent implementation of the arithmetic, written from the standard's text ---------
def _value(char: str) -> int:
    """Character value in GB 32100: digits 0–9, then the 21 letters without I, O, S, V, Z."""
    letters = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOSVZ"]
    return int(char) if char.isdigit() else 10 + letters.index(char)


def _char(value: int) -> str:
    letters = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOSVZ"]
    return str(value) if value < 10 else letters[value - 10]


def independent_credit_check(first17: str) -> str:
    weight, total = 1, 0
    for char in first17:
        total += _value(char) * weight
        weight = weight * 3 % 31
    check = 31 - total % 31
    return _char(0 if check == 31 else check)


def independent_org_check(body8: str) -> str:
    # GB 11714: letters count A=10 … Z=35 (the full alphabet here, unlike the credit code).
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body8, weights, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def build_code(prefix8: str, body8: str) -> str:
    """A code made by hand: authority+type+division, organisation code with its check, check char."""
    first17 = prefix8 + body8 + independent_org_check(body8)
    return first17 + independent_credit_check(first17)


# --- Valid codes ----------------------------------------------------------------------------
@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    result = check_credit_code(code)
    assert result.valid, result.errors
    assert result.errors == []
    assert result.code == code


def test_the_weights_are_the_powers_of_three_of_the_standard():
    # rules.md lists them: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    from jigai.reference.codes import CREDIT_WEIGHTS

    assert CREDIT_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_real_code_check_characters_by_the_independent_implementation():
    for code in REAL_CODES:
        assert independent_credit_check(code[:17]) == code[17]
        assert independent_org_check(code[8:16]) == code[16]


@pytest.mark.parametrize(
    ("prefix8", "body8"),
    [
        ("91310115", "MA1H7GBT"),  # 浦东新区 enterprise, letters in the organisation code
        ("92310104", "MA1KXY00"),  # 徐汇区 individual business
        ("93310151", "07654321"),  # 崇明区 farmers' cooperative
        ("12310000", "42500000"),  # 机构编制 事业单位
        ("51310000", "50000000"),  # 民政 社会团体
        ("Y1310000", "MA1GUT83"),
    ],
)
def test_codes_computed_by_hand_pass(prefix8, body8):
    code = build_code(prefix8, body8)
    result = check_credit_code(code)
    assert result.valid, (code, result.errors)
    assert result.warnings == []


def test_check_characters_agree_with_the_independent_implementation_on_random_bodies():
    rng = random.Random(32100)
    for _ in range(500):
        first17 = "91" + "310115" + "".join(rng.choice(CREDIT_CHARSET) for _ in range(9))
        assert credit_check_char(first17) == independent_credit_check(first17)
        assert org_code_check_char(first17[8:16]) == independent_org_check(first17[8:16])


def test_check_value_31_becomes_0_and_org_values_10_11_become_x_and_0():
    rng = random.Random(7)
    seen_credit_zero = seen_x = seen_org_zero = False
    for _ in range(5000):
        body = "".join(rng.choice("0123456789") for _ in range(8))
        org = org_code_check_char(body)
        seen_x |= org == "X"
        seen_org_zero |= org == "0" and independent_org_check(body) == "0"
        first17 = "913100" + "00" + body + org
        seen_credit_zero |= credit_check_char(first17) == "0"
        assert check_credit_code(first17 + credit_check_char(first17)).valid
    assert seen_credit_zero and seen_x and seen_org_zero


def test_generated_codes_pass():
    rng = random.Random(1)
    for division in ("310115", "310104", "310151"):
        code = generate_credit_code(rng, division=division)
        assert check_credit_code(code).valid
        assert code[2:8] == division


def test_lower_case_full_width_and_spaces_are_accepted_and_normalised():
    assert check_credit_code("91310000132149237g").code == "91310000132149237G"
    assert check_credit_code("91310000132149237g").valid
    assert check_credit_code(" 9131 0000 1321 4923 7G ").valid
    full_width = "９１３１００００１３２１４９２３７ｇ"
    result = check_credit_code(full_width)
    assert result.valid
    assert result.code == "91310000132149237G"


def test_facts_say_what_the_code_means():
    facts = dict(check_credit_code("91310000132149237G").facts)
    assert facts["登记管理部门"] == "9 工商/市场监管"
    assert facts["机构类别"] == "1 企业"
    assert facts["组织机构代码"] == "13214923-7"
    pudong = dict(check_credit_code(build_code("91310115", "MA1H7GBT")).facts)
    assert pudong["登记管理机关行政区划"] == "310115 上海市浦东新区"


# --- Invalid codes --------------------------------------------------------------------------
def test_wrong_check_character_fails_and_does_not_reveal_the_right_one():
    result = check_credit_code("91310000132149237H")
    assert not result.valid
    assert result.errors == ["第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"]
    assert "G" not in "".join(result.errors)


def test_a_mistyped_middle_character_fails():
    # 132149237 → 132149287: both the organisation check and the code's check break.
    result = check_credit_code("91310000132149287G")
    assert not result.valid
    assert any("第 17 位（组织机构代码校验码）" in e for e in result.errors)
    assert any("第 18 位校验码" in e for e in result.errors)


def test_wrong_organisation_code_check_fails_even_with_a_matching_last_character():
    first17 = "91310000" + "13214923" + "8"  # the organisation check should be 7
    code = first17 + independent_credit_check(first17)
    result = check_credit_code(code)
    assert not result.valid
    assert result.errors == [
        "第 17 位（组织机构代码校验码）与第 9–16 位不符：第 9–17 位不是有效的组织机构代码，"
        "请逐位核对营业执照上的代码。"
    ]


@pytest.mark.parametrize(("raw", "length"), [("9131000013214923", 16), ("91310000132149237G1", 19), ("9", 1)])
def test_wrong_length_fails(raw, length):
    result = check_credit_code(raw)
    assert not result.valid
    assert result.errors[0] == f"统一社会信用代码应为 18 位，当前为 {length} 位。"


def test_empty_input_asks_for_a_code():
    assert check_credit_code("").errors == ["请填写统一社会信用代码。"]
    assert check_credit_code(None).errors == ["请填写统一社会信用代码。"]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_fail_with_their_position(letter):
    code = "91310000" + letter + "32149237G"
    assert len(code) == 18
    result = check_credit_code(code)
    assert not result.valid
    assert result.errors == [
        f"第 9 位“{letter}”不是统一社会信用代码允许的字符（只用数字和除 I、O、S、V、Z 以外的大写字母）。"
    ]
    assert not is_credit_code_shape(code)


def test_forbidden_letters_in_lower_case_fail_too():
    assert not check_credit_code("91310000132149237o").valid


def test_length_and_characters_are_both_reported():
    result = check_credit_code("9131000O")
    assert len(result.errors) == 2
    assert "当前为 8 位" in result.errors[0]
    assert "第 8 位“O”" in result.errors[1]


def test_unknown_registration_authority_fails():
    code = build_code("B1310000", "13214923")
    result = check_credit_code(code)
    assert not result.valid
    assert result.errors == [
        "第 1 位登记管理部门代码“B”不存在（应为 1–9、A、N 或 Y，企业一般为 9 工商/市场监管）。"
    ]


@pytest.mark.parametrize("authority", ["1", "5", "9", "A", "N", "Y"])
def test_known_registration_authorities_pass(authority):
    assert check_credit_code(build_code(f"{authority}1310000", "13214923")).valid


def test_entity_type_outside_the_authority_fails():
    code = build_code("95310000", "13214923")
    result = check_credit_code(code)
    assert not result.valid
    assert result.errors == [
        "第 2 位机构类别代码“5”不是登记管理部门“工商/市场监管”使用的类别"
        "（应为：1 企业、2 个体工商户、3 农民专业合作社）。"
    ]


def test_division_must_be_digits():
    code = build_code("913A0000", "13214923")
    result = check_credit_code(code)
    assert not result.valid
    assert result.errors == ["第 3–8 位登记管理机关行政区划码“3A0000”应为 6 位数字（GB/T 2260）。"]


def test_division_outside_shanghai_warns_but_passes():
    result = check_credit_code("91110108551385082Q")  # registered in 北京市海淀区
    assert result.valid
    assert result.errors == []
    assert result.warnings == [
        "第 3–8 位登记管理机关行政区划码 110108 不在上海市（上海的代码以 31 开头），"
        "请确认该单位在上海依法登记。"
    ]


def test_shanghai_divisions_do_not_warn():
    assert check_credit_code("91310000132149237G").warnings == []
    assert check_credit_code(build_code("91310230", "13214923")).warnings == []  # old 崇明县 code


# --- Investment project codes ---------------------------------------------------------------
@pytest.mark.parametrize(
    "code",
    ["2026-310115-34-03-012345", "2019-310104-39-03-00456A", "2016-310000-65-02-100001"],
)
def test_project_code_good_shapes(code):
    result = check_project_code(code)
    assert result.valid, result.errors
    assert result.code == code
    assert dict(result.facts)["年份"] == code[:4]


def test_project_code_lower_case_and_full_width_are_normalised():
    assert check_project_code("2019-310104-39-03-00456a").code == "2019-310104-39-03-00456A"
    assert check_project_code("２０２６－３１０１１５－３４－０３－０１２３４５").valid


SHAPE_MESSAGE = (
    "投资项目代码应为 24 位，格式为“年份(4)-区划(6)-行业主管部门(2)-项目类型(2)-流水号(5)及校验码(1)”，"
    "例如 2026-310115-34-03-012345。"
)


@pytest.mark.parametrize(
    ("code", "first_error"),
    [
        ("202631011534030123456", "投资项目代码当前为 21 位。"),
        ("2026-310115-34-03", "投资项目代码当前为 17 位。"),
        ("2026-31011-34-03-012345", "第 2 段（行政区划）“31011”应为 6 位数字。"),
        ("26-310115-34-03-012345", "第 1 段（年份）“26”应为 4 位数字。"),
        ("2026-310115-3A-03-012345", "第 3 段（行业主管部门）“3A”应为 2 位数字。"),
        ("2026-310115-34-3-012345", "第 4 段（项目类型）“3”应为 2 位数字。"),
        ("2026-310115-34-03-0123-5", SHAPE_MESSAGE),
        (
            "2026-310115-34-03-A12345",
            "第 5 段（流水号及校验码）“A12345”应为 6 位（5 位数字加 1 位数字或大写字母）。",
        ),
        (
            "2026-310115-34-03-01234",
            "第 5 段（流水号及校验码）“01234”应为 6 位（5 位数字加 1 位数字或大写字母）。",
        ),
    ],
)
def test_project_code_bad_shapes(code, first_error):
    result = check_project_code(code)
    assert not result.valid
    assert result.errors[0] == first_error
    assert result.errors[-1] == SHAPE_MESSAGE


def test_project_code_unicode_digits_are_not_ascii_digits():
    # Arabic-Indic digits are "digits" to Python's \d but not in a project code.
    assert not check_project_code("٢٠٢٦-310115-34-03-012345").valid


def test_project_code_implausible_years_fail():
    result = check_project_code("1999-310115-34-03-012345")
    assert not result.valid
    assert result.errors[0].startswith("投资项目代码中的年份 1999 不合理")
    assert not check_project_code("2999-310115-34-03-012345").valid


def test_project_code_outside_shanghai_warns():
    result = check_project_code("2026-110108-34-03-012345")
    assert result.valid
    assert result.warnings == [
        "投资项目代码中的区划 110108 不在上海市（上海的代码以 31 开头），请确认项目代码。"
    ]


def test_project_code_empty():
    assert check_project_code("  ").errors == ["请填写投资项目代码。"]
