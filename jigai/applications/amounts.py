"""The support amount rule (rules.md §3):

``amount = min(rate × eligible input, cap)``, in yuan, rounded down to the fen. The requested amount
applies it to the declared eligible input, the approved amount to the approved (核定) input, and the
final amount to the audited actual input, never above the approved amount.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

FEN = Decimal("0.01")


def support_amount(*, rate: Decimal, eligible_input: Decimal, cap: Decimal) -> Decimal:
    if rate < 0 or eligible_input < 0 or cap < 0:
        raise ValueError("支持比例、投入和上限都不能为负数。")
    return min(
        (rate * eligible_input).quantize(FEN, rounding=ROUND_DOWN), cap.quantize(FEN, rounding=ROUND_DOWN)
    )


def final_amount(*, rate: Decimal, audited_input: Decimal, cap: Decimal, approved: Decimal) -> Decimal:
    """After acceptance: the same formula on the audited actual input, never more than approved."""
    return min(support_amount(rate=rate, eligible_input=audited_input, cap=cap), approved)


def share(part: Decimal, total: Decimal) -> Decimal:
    """part ÷ total to six places (0 when total is 0), e.g. the fixed-asset share."""
    if total <= 0:
        return Decimal("0")
    return (part / total).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
