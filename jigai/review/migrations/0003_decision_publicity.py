# The decision and publicity part of issue 4: list membership on the decision (kept after
# approval; an upheld objection removes an application with when and why), the working days a
# publicity was counted with (to count a provisional closing date again), the content-checked type
# of an objection's attachment, and the indexes the public page and the objection list use.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0002_experts_conflicts_and_draws'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='proposed_list',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='items', to='review.proposedlist', verbose_name='拟支持名单'),
        ),
        migrations.AddField(
            model_name='decision',
            name='removal_reason',
            field=models.TextField(blank=True, verbose_name='移出名单理由'),
        ),
        migrations.AddField(
            model_name='decision',
            name='removed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='移出名单时间'),
        ),
        migrations.AddField(
            model_name='objection',
            name='attachment_type',
            field=models.CharField(blank=True, max_length=10, verbose_name='文件类型（按内容识别）'),
        ),
        migrations.AddField(
            model_name='proposedlist',
            name='publicity_working_days',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='公示期（工作日）'),
        ),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(fields=['proposed_list', 'rank'], name='decision_list_rank'),
        ),
        migrations.AddIndex(
            model_name='objection',
            index=models.Index(fields=['proposed_list', 'status'], name='objection_list_status'),
        ),
    ]
