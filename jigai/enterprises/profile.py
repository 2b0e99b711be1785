"""The enterprise profile as entered on registration and later edits: parsing and checking it.

:func:`clean_profile` turns raw input (a page form's cleaned data, an API body, a dict in a test)
into model values, checking every field and collecting *all* the problems at once, each on its
field with a Chinese message, so a page can show them beside the fields and the API can list them.
The services in :mod:`jigai.enterprises.services` call it; it writes nothing.

Rules (rules.md §4 and issue 3):

* unified social credit code: GB 32100 check through
  :func:`jigai.enterprises.services.credit_code_acceptable` (an official may have accepted an
  early code that fails it); one enterprise per code;
* district: one of Shanghai's 16 districts (the ``reference.District`` table holds exactly those);
* industry: a section (门类) or a division (大类) of GB/T 4754-2017;
* employees ≥ 0 (persons) and operating revenue ≥ 0 (万元, Decimal, two places); the size
  (工信部联企业〔2011〕300号) is computed from them, never entered;
* high-tech enterprise certificate (高新技术企业证书): number and validity date together or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from jigai.accounts.models import Organisation
from jigai.enterprises.choices import SpecialisedStatus
from jigai.enterprises.models import Enterprise
from jigai.reference.codes import normalise_code
from jigai.reference.models import District, Industry
from jigai.reference.sizes import classify_enterprise_size

#: every field of the profile, in the order of the registration form
PROFILE_FIELDS: tuple[str, ...] = (
    "credit_code",
    "name",
    "district",
    "address",
    "industry",
    "employees",
    "operating_revenue",
    "legal_representative",
    "high_tech_certificate_number",
    "high_tech_valid_until",
    "specialised_status",
    "contact_name",
    "contact_phone",
    "contact_email",
)
#: what identifies the enterprise: fixed once the district has confirmed it
IDENTITY_FIELDS: tuple[str, ...] = ("credit_code", "name", "district")
REQUIRED_TEXT: dict[str, int] = {  # field: max length
    "name": 200,
    "address": 300,
    "legal_representative": 50,
    "contact_name": 50,
    "contact_phone": 30,
}
MAX_REVENUE = Decimal("999999999999.99")  # the column: 14 digits, 2 places
MAX_EMPLOYEES = 2_000_000
# 高新技术企业证书编号: GR (or GF for some early certificates) + year (4) + province (2) + serial (6).
HIGH_TECH_NUMBER = re.compile(r"G[RF]\d{12}")
HIGH_TECH_EXAMPLE = "GR202331001234"
PHONE = re.compile(r"[0-9+()\- ]{7,30}")


class _TooManyPlaces(ValueError):
    pass


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _required_label(name: str) -> str:
    labels = {
        "name": _("请填写企业名称。"),
        "address": _("请填写注册地址。"),
        "legal_representative": _("请填写法定代表人。"),
        "contact_name": _("请填写联系人。"),
        "contact_phone": _("请填写联系电话。"),
    }
    return labels[name]


def _district(value: Any) -> District | None:
    if isinstance(value, District):
        return value
    code = _text(value)
    return District.objects.filter(pk=code).first() if code else None


def _industry(value: Any) -> Industry | None:
    """Any node of GB/T 4754-2017 (section, division, group or class): which industries may apply
    to a call is that call's rule (``allowed_industries``), not registration's."""
    if isinstance(value, Industry):
        return value
    code = _text(value).upper()
    if not code:
        return None
    return Industry.objects.filter(pk=code).first()


def _employees(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError
        number = int(text)
    if not 0 <= number <= MAX_EMPLOYEES:
        raise ValueError
    return number


def _revenue(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError
    try:
        amount = Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite() or amount < 0 or amount > MAX_REVENUE:
        raise ValueError
    if amount != amount.quantize(Decimal("0.01")):
        raise _TooManyPlaces
    return amount.quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValueError
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def clean_profile(
    data: Mapping[str, Any],
    *,
    current: Enterprise | None = None,
    credit_check: Callable[[str], Any],
) -> dict[str, Any]:
    """Model values for the profile in ``data``, or a ValidationError naming every bad field.

    ``current`` is the enterprise being edited (None on registration): its own code is not a
    duplicate of itself. ``credit_check`` is the credit-code check to apply (the services pass
    :func:`credit_code_acceptable`). Missing keys count as empty, so callers that update part of
    a profile merge it with the current values first.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(field: str, *messages: str) -> None:
        errors.setdefault(field, []).extend(messages)

    check = credit_check(_text(data.get("credit_code")))
    values["credit_code"] = check.code
    if current is not None and check.code == current.credit_code:
        pass  # checked when it was registered (perhaps as an accepted exception)
    elif not check.valid:
        fail("credit_code", *check.errors)
    else:
        duplicate = Enterprise.objects.filter(credit_code=check.code)
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        other_organisation = Organisation.objects.filter(credit_code=check.code)
        if current is not None:
            other_organisation = other_organisation.exclude(pk=current.organisation_id)
        if duplicate.exists():
            fail("credit_code", duplicate_code_message())
        elif other_organisation.exists():
            fail("credit_code", _("该统一社会信用代码已被平台上的其他机构使用，请联系所在区经委核实。"))

    for name, max_length in REQUIRED_TEXT.items():
        text = _text(data.get(name))
        if not text:
            fail(name, _required_label(name))
        elif len(text) > max_length:
            fail(name, _("不能超过 %(n)d 个字。") % {"n": max_length})
        values[name] = text
    if values["contact_phone"] and not PHONE.fullmatch(values["contact_phone"]):
        fail("contact_phone", _("请填写有效的联系电话，例如 021-50000000 或 13800000000。"))

    district = _district(data.get("district"))
    if district is None:
        fail("district", _("请选择所在区（上海市 16 个区之一）。"))
    values["district"] = district

    industry = _industry(data.get("industry"))
    if industry is None:
        fail("industry", _("请选择所属行业（国民经济行业分类的门类或大类）。"))
    values["industry"] = industry

    try:
        values["employees"] = _employees(data.get("employees"))
    except ValueError:
        fail("employees", _("从业人员应为不小于 0 的整数（人）。"))
    try:
        values["operating_revenue"] = _revenue(data.get("operating_revenue"))
    except _TooManyPlaces:
        fail("operating_revenue", _("营业收入（万元）最多保留两位小数。"))
    except ValueError:
        fail("operating_revenue", _("营业收入应为不小于 0 的金额（万元），例如 1250.50。"))
    if "employees" in values and "operating_revenue" in values:
        values["size"] = classify_enterprise_size(values["employees"], values["operating_revenue"])

    email = _text(data.get("contact_email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("contact_email", _("请填写有效的电子邮箱地址。"))
    values["contact_email"] = email

    number = normalise_code(_text(data.get("high_tech_certificate_number")))
    try:
        valid_until = _date(data.get("high_tech_valid_until"))
    except (TypeError, ValueError):
        valid_until = None
        fail("high_tech_valid_until", _("日期格式应为 YYYY-MM-DD。"))
    else:
        if number and valid_until is None:
            fail("high_tech_valid_until", _("填写了高新技术企业证书编号，请同时填写有效期至。"))
        if valid_until is not None and not number:
            fail("high_tech_certificate_number", _("填写了证书有效期，请同时填写高新技术企业证书编号。"))
    if number and not HIGH_TECH_NUMBER.fullmatch(number):
        fail(
            "high_tech_certificate_number",
            _("高新技术企业证书编号应为 GR 加 12 位数字（年份、省份代码和序号），例如 %(ex)s。")
            % {"ex": HIGH_TECH_EXAMPLE},
        )
    values["high_tech_certificate_number"] = number
    values["high_tech_valid_until"] = valid_until

    status = _text(data.get("specialised_status")) or SpecialisedStatus.NONE
    if status not in SpecialisedStatus.values:
        fail("specialised_status", _("专精特新情况取值无效。"))
    values["specialised_status"] = status

    if errors:
        raise ValidationError(errors)
    return values


def duplicate_code_message() -> str:
    return _("该统一社会信用代码已注册，请联系本企业管理员添加账号。")


def profile_of(enterprise: Enterprise) -> dict[str, Any]:
    """The current profile of ``enterprise`` as :func:`clean_profile` takes it (codes for the
    district and the industry)."""
    return {
        name: getattr(enterprise, f"{name}_id" if name in ("district", "industry") else name)
        for name in PROFILE_FIELDS
    }
