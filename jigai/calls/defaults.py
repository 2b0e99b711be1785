"""Default rules of a new call: those of the commission's 2026 call (rules.md §3).

Every value here is configurable per call: an official changes it on the call's rules before
publishing (or by a new rules version after).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

# (code, name, is_fixed_asset)
INVESTMENT_ITEMS: list[tuple[str, str, bool]] = [
    ("construction", "建筑工程", True),
    ("installation", "安装工程", True),
    ("equipment", "设备器具购置", True),
    ("other_fixed", "其他费用", True),
    ("software", "软件", False),
    ("patents", "专利", False),
    ("trials", "试验", False),
    ("testing", "检测", False),
    ("integration", "智能化集成", False),
    ("rd_outsourcing", "研发外包服务", False),
]

# (code, name, needs a document number)
PREREQUISITES: list[tuple[str, str, bool]] = [
    ("filing", "项目立项（备案）", True),
    ("planning", "规划许可", True),
    ("land", "土地手续", True),
    ("environment", "环评批复", True),
    ("funds", "建设资金落实", False),
    ("started", "项目已开工", False),
]

# Industries whose enterprises may apply (GB/T 4754-2017): the industrial sections B, C, D and the
# producer-services divisions the catalog's directions serve (field 10 生产性服务业; 信息服务、系统集成、
# 远程运维 and industrial internet platforms: I 63, 64, 65; 研发设计、检验检测、技术推广: M 73, 74, 75).
ALLOWED_INDUSTRIES: list[str] = ["B", "C", "D", "63", "64", "65", "73", "74", "75"]

# (code, name, required, allowed types, max size in MB)
ATTACHMENTS: list[tuple[str, str, bool, str, int]] = [
    ("business_licence", "营业执照", True, "pdf,jpg,png", 10),
    ("feasibility", "项目可行性研究报告", True, "pdf", 50),
    ("filing_document", "项目备案证明", True, "pdf,jpg,png", 10),
    ("financial_statements", "上年度财务审计报告", True, "pdf", 30),
    ("investment_evidence", "投资明细及合同发票", False, "pdf,xlsx,zip", 100),
    ("credit_commitment", "信用承诺书", True, "pdf,jpg,png", 10),
]

# (sequence, trigger, percent)
INSTALMENTS: list[tuple[int, str, Decimal]] = [
    (1, "approval", Decimal("0.5000")),
    (2, "acceptance", Decimal("0.5000")),
]

MIN_TOTAL_INVESTMENT = Decimal("20000000.00")
MIN_FIXED_ASSET_SHARE = Decimal("0.6000")
SUPPORT_RATE = Decimal("0.1000")
CAP_PER_PROJECT = Decimal("100000000.00")
# A district's default share: the example district rule (8 % of approved fixed assets, construction
# counted at most 30 %, cap 500万元, paid after acceptance). Each district sets its own per call.
DISTRICT_SHARE_RATE = Decimal("0.0800")
DISTRICT_SHARE_CAP = Decimal("5000000.00")
DISTRICT_CONSTRUCTION_CAP_SHARE = Decimal("0.3000")

# The 2026 call's window (rules.md §2): opens 2026-01-20, the online system closes at 16:00 Shanghai
# time on 2026-02-04, and districts forward their recommendations two days later.
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_2026_OPENS_AT = datetime(2026, 1, 20, 0, 0, tzinfo=SHANGHAI)
CALL_2026_CLOSES_AT = datetime(2026, 2, 4, 16, 0, tzinfo=SHANGHAI)
CALL_2026_DISTRICT_FORWARD_DATE = date(2026, 2, 6)
CALL_2026_TITLE = "关于组织申报2026年度上海市重点技术改造专项资金项目的通知"
