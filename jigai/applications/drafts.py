"""What an enterprise may type into an application: the shape of a draft.

:class:`ApplicationDraft` is the input of :func:`jigai.applications.services.application_save_draft`
and of the API's ``PUT /applications/{id}``. A draft need not be complete or eligible, so every
field is optional; only the *shape* is checked here (an amount that is not a number, a date that is
not a date, a negative amount, too many characters), each error on its own field.

Fields that are left out are left unchanged; a field sent as ``null`` is cleared; a list that is
sent (investment lines, prerequisites, other funding) replaces the whole list.

What the platform decides — status, totals, share, requested support, district, reference
number — is not here, so no input can set it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationError as PydanticValidationError

from jigai.applications.choices import OtherFundingStatus

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class InvestmentLineIn(Schema):
    item_code: str = Field(..., max_length=30, description="本通知规则中的投资项目代码，如 equipment")
    amount: Money = Field(..., description="金额（元）")


class PrerequisiteIn(Schema):
    code: str = Field(..., max_length=30, description="本通知规则中的前期手续代码，如 filing")
    done: bool = False
    document_number: str = Field("", max_length=100, description="文号")
    document_date: dt.date | None = Field(None, description="日期")


class OtherFundingIn(Schema):
    programme: str = Field(..., min_length=1, max_length=200, description="资金名称")
    authority: str = Field("", max_length=100, description="主管部门")
    amount: Money = Field(..., description="金额（元）")
    status: OtherFundingStatus = Field(..., description="received 已获得 / applied 已申请")


class ApplicationDraft(Schema):
    """A draft as typed by the enterprise; see the module docs for what absent and null mean."""

    name: str | None = Field(None, max_length=200, description="项目名称")
    project_code: str | None = Field(None, max_length=40, description="投资项目代码（24 位）")
    site_district: str | None = Field(None, max_length=6, description="建设地点所在区代码")
    site_address: str | None = Field(None, max_length=300)
    in_planned_block: bool | None = Field(None, description="位于规划产业区块内")
    start_date: dt.date | None = Field(None, description="建设开始日期")
    end_date: dt.date | None = Field(None, description="建设完成日期")
    direction: str | None = Field(None, max_length=20, description="支持方向（目录条目编号）")
    summary: str | None = Field(None, max_length=20000, description="主要技术内容")
    project_lead_name: str | None = Field(None, max_length=50)
    project_lead_id_number: str | None = Field(None, max_length=30)

    own_funds: Money | None = None
    bank_loans: Money | None = None
    financing_lease: Money | None = None
    other_financing: Money | None = None

    new_output_value: Money | None = None
    new_product_output_value: Money | None = None
    new_tax: Money | None = None
    energy_saved_tce: Quantity | None = None
    emissions_reduced_t: Quantity | None = None
    jobs_created: int | None = Field(None, ge=0, le=10_000_000)

    investment_lines: list[InvestmentLineIn] | None = None
    prerequisites: list[PrerequisiteIn] | None = None
    other_funding: list[OtherFundingIn] | None = Field(None, max_length=50)


# The fields that are plain columns of Application (lists and references are handled apart).
TEXT_FIELDS = ("name", "site_address", "summary", "project_lead_name")
VALUE_FIELDS = (
    "in_planned_block",
    "start_date",
    "end_date",
    "own_funds",
    "bank_loans",
    "financing_lease",
    "other_financing",
    "new_output_value",
    "new_product_output_value",
    "new_tax",
    "energy_saved_tce",
    "emissions_reduced_t",
    "jobs_created",
)


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    own = {
        "decimal_max_places": _("最多保留两位小数。"),
        "decimal_max_digits": _("数值过大。"),
        "decimal_whole_digits": _("数值过大。"),
        "extra_forbidden": _("不接受此字段。"),
    }
    if kind in own:
        return own[kind]
    if kind == "too_long":
        return _("最多 %(n)s 项。") % {"n": ctx.get("max_length")}
    from jigai.core.api_errors import _pydantic_message

    return str(_pydantic_message(dict(error)))


def shape_errors(exc: PydanticValidationError) -> ValidationError:
    """A pydantic error as a Django ValidationError keyed by the field path, e.g.
    ``investment_lines.0.amount``."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        field = ".".join(str(p) for p in error.get("loc", ())) or "__all__"
        errors.setdefault(field, []).append(_message(error))
    return ValidationError(errors)


def draft_parse(raw: Mapping[str, Any]) -> ApplicationDraft:
    """Check the shape of raw input (a form's or a JSON body's); Chinese messages per field."""
    try:
        return ApplicationDraft.model_validate(dict(raw))
    except PydanticValidationError as exc:
        raise shape_errors(exc) from exc
