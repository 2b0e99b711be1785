# Experts: declared conflicts with their reason (through model), the draw records, and the
# assignment's draw time and replacement reason.
#
# ``declared_conflicts`` gains a through model; Django cannot alter an M2M to add ``through``, so
# the field is removed and added again (no data existed before this migration).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial_accounts'),
        ('applications', '0002_reference_counter'),
        ('review', '0001_initial_review'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='expertprofile',
            name='declared_conflicts',
        ),
        migrations.CreateModel(
            name='ExpertConflict',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=300, verbose_name='关联情况')),
                ('declared_at', models.DateTimeField(auto_now_add=True, verbose_name='声明时间')),
                ('expert', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflicts', to='review.expertprofile')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
            ],
            options={
                'verbose_name': '专家申报的利益关联',
                'verbose_name_plural': '专家申报的利益关联',
                'ordering': ['expert', '-declared_at'],
                'constraints': [models.UniqueConstraint(fields=('expert', 'organisation'), name='expert_conflict_once')],
            },
        ),
        migrations.AddField(
            model_name='expertprofile',
            name='declared_conflicts',
            field=models.ManyToManyField(blank=True, related_name='+', through='review.ExpertConflict', to='accounts.organisation', verbose_name='申报的利益关联单位'),
        ),
        migrations.AddField(
            model_name='assignment',
            name='drawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='抽取时间'),
        ),
        migrations.AddField(
            model_name='assignment',
            name='replacement_reason',
            field=models.TextField(blank=True, verbose_name='替换理由'),
        ),
        migrations.CreateModel(
            name='DrawRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('draw_round', models.PositiveSmallIntegerField(verbose_name='抽取轮次')),
                ('candidate_ids', models.TextField(verbose_name='候选专家（ID，升序，逗号分隔）')),
                ('candidate_count', models.PositiveIntegerField(verbose_name='候选人数')),
                ('drawn_ids', models.CharField(max_length=300, verbose_name='抽中专家（ID，按顺位）')),
                ('from_whole_pool', models.BooleanField(default=False, verbose_name='匹配专家不足，从全库抽取')),
                ('drawn_at', models.DateTimeField(verbose_name='抽取时间')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='expert_draws', to='applications.application')),
                ('panel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='draw_records', to='review.panel')),
            ],
            options={
                'verbose_name': '专家抽取记录',
                'verbose_name_plural': '专家抽取记录',
                'ordering': ['panel', 'application', 'draw_round'],
                'constraints': [models.UniqueConstraint(fields=('application', 'draw_round'), name='draw_record_round_once')],
            },
        ),
    ]
