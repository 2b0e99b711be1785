"""``manage.py audit_verify``: recompute the keyed audit chain and name the first broken event.

Reads the chain in batches (constant memory, a million events are fine), checks every HMAC-SM3 with
the keys kept outside the database, compares the chain with the keyed checkpoints in
``JIGAI_AUDIT_CHECKPOINT_FILE`` (events removed from the end: truncated; the chain rewritten and
recomputed: recomputed), records the outcome as an ``audit.verify`` event, prints
"审计链完整：共 N 条事件" and the last link, and exits with status 1 when the chain is broken.
Also warns when the database's append-only triggers or the checkpoint file are missing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.audit import triggers
from jigai.audit.checkpoints import checkpoint_path
from jigai.audit.services import VERIFY_BATCH_SIZE, audit_verify_run, chain_report_summary


class Command(BaseCommand):
    help = "重新计算审计事件的 SM3 哈希链，报告第一个被修改、删除或移动的事件（断裂时退出码为 1）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=VERIFY_BATCH_SIZE, help="每次从数据库读取的事件数"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not triggers.installed():
            self.stderr.write(
                _("警告：数据库中审计表的只追加保护（触发器）缺失，请运行 migrate 或联系部署人员。")
            )
        path = checkpoint_path()
        if path is None or not path.exists():
            self.stderr.write(
                _("警告：没有审计检查点文件，无法发现末尾事件被删除或整条链被重算。")
                + _("请定期运行 audit_checkpoint。")
            )
        report = audit_verify_run(actor=None, batch_size=options["batch_size"], from_command_line=True)
        summary = chain_report_summary(report)
        if not report.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
        self.stdout.write(
            _("最后一条事件：#%(seq)d，哈希 %(hash)s") % {"seq": report.last_seq, "hash": report.last_hash}
        )
