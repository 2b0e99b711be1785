"""The named demo logins, one per role: the one place the demo set-up, the login table printed by
``manage.py setup_demo`` and the end-to-end tests take them from."""

from __future__ import annotations

from dataclasses import dataclass

from jigai.accounts.choices import Role

# The shared password of every demo account. It satisfies the password policy (length 8, three
# character classes, not a common password).
DEMO_PASSWORD = "Jigai@2026"  # noqa: S105 - published demo password, never used outside demo data
DEMO_URL = "http://127.0.0.1:8000"
DEMO_SEED = 42

# Short pinyin abbreviations used in the district accounts' usernames (district_<abbr>,
# district_<abbr>_head).
DISTRICT_ABBREVIATIONS: dict[str, str] = {
    "310101": "hp",  # 黄浦
    "310104": "xh",  # 徐汇
    "310105": "cn",  # 长宁
    "310106": "ja",  # 静安
    "310107": "pt",  # 普陀
    "310109": "hk",  # 虹口
    "310110": "yp",  # 杨浦
    "310112": "mh",  # 闵行
    "310113": "bs",  # 宝山
    "310114": "jd",  # 嘉定
    "310115": "pd",  # 浦东
    "310116": "js",  # 金山
    "310117": "sj",  # 松江
    "310118": "qp",  # 青浦
    "310120": "fx",  # 奉贤
    "310151": "cm",  # 崇明
}

DEMO_DISTRICT = "310115"  # the demo enterprise and the named district accounts are in 浦东新区


def district_officer_username(district_code: str) -> str:
    return f"district_{DISTRICT_ABBREVIATIONS[district_code]}"


def district_finance_username(district_code: str) -> str:
    return f"district_{DISTRICT_ABBREVIATIONS[district_code]}_finance"


#: the second district with a district finance officer in the demo (闵行区), beside Pudong
SECOND_FINANCE_DISTRICT = "310112"


def district_head_username(district_code: str) -> str:
    return f"district_{DISTRICT_ABBREVIATIONS[district_code]}_head"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    description_zh: str
    description_en: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "enterprise_demo",
        Role.ENTERPRISE,
        "企业申报用户（浦东新区的演示企业）",
        "Enterprise applicant (the demo enterprise in Pudong)",
    ),
    DemoAccount(
        district_officer_username(DEMO_DISTRICT),
        Role.DISTRICT_OFFICER,
        "区经委经办人（浦东新区科技和经济委员会）",
        "District bureau officer (Pudong)",
    ),
    DemoAccount(
        district_head_username(DEMO_DISTRICT),
        Role.DISTRICT_HEAD,
        "区经委负责人（浦东新区科技和经济委员会）",
        "District bureau head (Pudong)",
    ),
    DemoAccount("municipal", Role.MUNICIPAL_OFFICER, "市经信委经办人", "Municipal commission officer"),
    DemoAccount("municipal_head", Role.MUNICIPAL_HEAD, "市经信委负责人", "Municipal commission head"),
    DemoAccount("finance", Role.FINANCE_OFFICER, "市财政局经办人", "Municipal finance bureau officer"),
    DemoAccount(
        district_finance_username(DEMO_DISTRICT),
        Role.DISTRICT_FINANCE_OFFICER,
        "区财政局经办人（浦东新区财政局）",
        "District finance bureau officer (Pudong)",
    ),
    DemoAccount("ndrc", Role.NDRC_VIEWER, "市发展改革委（只读）", "Municipal NDRC (read only)"),
    DemoAccount(
        "expert_demo",
        Role.EXPERT,
        "评审专家（上海交通大学）",
        "Review expert (Shanghai Jiao Tong University)",
    ),
    DemoAccount(
        "supervisor", Role.SUPERVISOR, "监督检查人员（市经信委）", "Supervisor (municipal commission)"
    ),
    DemoAccount(
        "auditor", Role.AUDITOR, "审计管理员（查看审计日志）", "Audit administrator (reads the audit trail)"
    ),
    DemoAccount("sysadmin", Role.SYSADMIN, "系统管理员（账户管理）", "System administrator (accounts)"),
    DemoAccount(
        "secadmin", Role.SECADMIN, "安全管理员（解锁、令牌）", "Security administrator (unlocks, tokens)"
    ),
)

DEMO_ACCOUNTS_BY_ROLE: dict[str, DemoAccount] = {a.role.value: a for a in DEMO_ACCOUNTS}
DEMO_USERNAMES: frozenset[str] = frozenset(a.username for a in DEMO_ACCOUNTS)
