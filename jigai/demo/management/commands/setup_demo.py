"""``manage.py setup_demo`` (run by ``make run``): load the demo set into an empty database, then
always print the demo logins."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from jigai.accounts.models import User
from jigai.core.maintenance import database_optimize
from jigai.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_DISTRICT,
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_URL,
    DISTRICT_ABBREVIATIONS,
)
from jigai.demo.demo_experts import demo_expert_review_seed
from jigai.demo.demo_funds import demo_funds_seed
from jigai.demo.demo_publicity import demo_publicity_seed
from jigai.demo.services import demo_seed

SETUP_ENTERPRISES = 300
SETUP_ENTERPRISE_USERS = 300  # every enterprise has a user: the applications are spread over them
SETUP_APPLICATIONS = 400


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def logins_table(existing: set[str], url: str = DEMO_URL) -> str:
    """The demo logins, one per role, in Chinese and English, under the address the server listens
    on; accounts missing from the database are marked."""
    rows = [("账号 Username", "说明", "Description")]
    for account in DEMO_ACCOUNTS:
        missing = "" if account.username in existing else "（不存在 missing）"
        rows.append((account.username + missing, account.description_zh, account.description_en))
    widths = [max(display_width(row[i]) for row in rows) for i in range(3)]
    lines = [
        "",
        f"演示账户 Demo logins  —  {url}",
        f"统一密码 Password: {DEMO_PASSWORD}",
        "",
    ]
    for n, row in enumerate(rows):
        lines.append("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    others = "、".join(
        f"district_{abbr}" for code, abbr in DISTRICT_ABBREVIATIONS.items() if code != DEMO_DISTRICT
    )
    lines += [
        "",
        f"其他区经委 Other district bureaus: {others}（负责人 head: 加 _head）",
        "其他账户 More: municipal_2、finance_2、expert_01 … expert_29、企业用户 enterprise users ent000001 …",
        "",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "数据库中没有用户时生成演示数据（几百家企业），然后打印演示账户表。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises",
            type=int,
            default=SETUP_ENTERPRISES,
            help="首次生成的企业数量（默认 %(default)s）",
        )
        parser.add_argument(
            "--applications",
            type=int,
            default=SETUP_APPLICATIONS,
            help="首次生成的申报数量（默认 %(default)s）",
        )
        parser.add_argument(
            "--url",
            default=DEMO_URL,
            help="服务器地址，打印在账户表上方（make run 传入 HOST 和 PORT；默认 %(default)s）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.exists():
            self.stdout.write("数据库中还没有用户，正在生成演示数据…")
            try:
                summary = demo_seed(
                    seed=DEMO_SEED,
                    enterprises=options["enterprises"],
                    enterprise_users=SETUP_ENTERPRISE_USERS,
                    applications=options["applications"],
                )
            except ValidationError as exc:
                self.stderr.write("未生成演示数据：" + "；".join(exc.messages))
            else:
                demo_expert_review_seed()  # the expert review: pool, panel, expert_demo's assignments
                demo_publicity_seed()  # a proposed list of the closed 2026 call in publicity from today
                demo_funds_seed()  # budgets, a fund plan with paid first instalments, one recovery
                database_optimize(after_bulk_write=True)  # statistics after the bulk write
                self.stdout.write(
                    self.style.SUCCESS(
                        f"已生成演示数据：{summary.enterprises} 家企业，{summary.organisations} 个机构，"
                        f"{summary.users} 个用户，{summary.applications.count} 份申报，"
                        f"用时 {summary.seconds:.1f} 秒。"
                    )
                )
        existing = set(
            User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        self.stdout.write(logins_table(existing, options["url"]))
