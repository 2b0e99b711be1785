"""``manage.py seed_demo``: generate demo or benchmark data into an empty business database."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jigai.core.maintenance import database_optimize
from jigai.demo.accounts import DEMO_SEED
from jigai.demo.services import demo_business_data_exists, demo_business_data_wipe, demo_seed


class Command(BaseCommand):
    help = (
        "生成演示数据（企业、机构、用户、支持目录、申报通知和申报），同一随机种子生成相同的数据。"
        "只写入空的业务数据库；"
        "--force 先清空业务数据（审计日志与参考数据保留）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="随机种子（默认 %(default)s）")
        parser.add_argument("--enterprises", type=int, default=500, help="企业数量（默认 %(default)s）")
        parser.add_argument(
            "--enterprise-users",
            type=int,
            default=200,
            help="为前 N 家企业各建一至两个企业用户（默认 %(default)s）",
        )
        parser.add_argument(
            "--applications",
            type=int,
            default=400,
            help="申报数量（默认 %(default)s）：分布在已确认且有用户的企业，含草稿、已提交、已撤回",
        )
        parser.add_argument(
            "--no-attachments",
            action="store_true",
            help="生成的申报不带附件文件（基准测试数据库用：20 万份申报不写 100 万个文件）",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库已有数据时先清空全部业务表再生成（审计日志只增不删，予以保留）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force: bool = options["force"]
        if demo_business_data_exists() and not force:
            raise CommandError(
                "数据库中已有用户、机构或企业，未生成演示数据。如确需清空业务数据后重新生成，请加 --force"
                "（审计日志只增不删，会保留）。"
            )
        try:
            with transaction.atomic():
                if force:
                    tables = demo_business_data_wipe(
                        reason="seed_demo --force：重新生成演示数据前清空业务数据"
                    )
                    self.stdout.write(f"已清空 {len(tables)} 张业务表（审计日志保留）。")
                summary = demo_seed(
                    seed=options["seed"],
                    enterprises=options["enterprises"],
                    enterprise_users=options["enterprise_users"],
                    applications=options["applications"],
                    attachments=not options["no_attachments"],
                    progress=self.stdout.write,
                )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        # a bulk write: the planner's statistics first (PRAGMA optimize / ANALYZE)
        self.stdout.write(database_optimize(after_bulk_write=True).summary())
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成演示数据（随机种子 {summary.seed}）：{summary.enterprises} 家企业，"
                f"{summary.organisations} 个机构，{summary.users} 个用户，"
                f"{summary.applications.count} 份申报，用时 {summary.seconds:.1f} 秒。"
            )
        )
