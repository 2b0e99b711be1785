"""What each audit action code means, in words: the audit pages show the label, the code beside it.

The code stays what the trail stores and what filters and exports use; an unknown code (an
action added without a label here) is shown as itself.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # sign-in and accounts
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.lockout": _("账户锁定"),
    "auth.throttle": _("登录限流"),
    "user.create": _("新建账户"),
    "user.activate": _("启用账户"),
    "user.deactivate": _("停用账户"),
    "user.list": _("查询账户"),
    "user.change_password": _("修改密码"),
    "user.unlock_break_glass": _("紧急解锁管理员账户"),
    "api_token.create": _("创建 API 令牌"),
    "api_token.revoke": _("吊销 API 令牌"),
    "security.view": _("查看安全管理"),
    "permission.denied": _("拒绝访问"),
    # audit
    "audit.read": _("查看审计日志"),
    "audit.export": _("导出审计日志"),
    "audit.verify": _("校验审计哈希链"),
    "audit.key_rotate": _("轮换审计签名密钥"),
    # enterprises and reference data
    "enterprise.register": _("企业注册"),
    "enterprise.confirm": _("确认企业注册信息"),
    "enterprise.reject": _("退回企业注册信息"),
    "enterprise.resubmit": _("重新提交企业信息"),
    "enterprise.update": _("修改企业信息"),
    "credit_bar.record": _("登记信用限制"),
    "credit_code_exception.accept": _("接受信用代码例外"),
    "credit_code_exception.list": _("查看信用代码例外"),
    # catalog and calls
    "catalog.version.create": _("新建支持目录"),
    "catalog.version.copy": _("复制支持目录"),
    "catalog.version.import": _("导入支持目录"),
    "catalog.version.update": _("修改支持目录"),
    "catalog.version.publish": _("发布支持目录"),
    "catalog.version.supersede": _("停用支持目录"),
    "catalog.item.add": _("新增目录条目"),
    "catalog.item.update": _("修改目录条目"),
    "catalog.item.remove": _("删除目录条目"),
    "call.create": _("新建申报通知"),
    "call.update": _("修改申报通知"),
    "call.publish": _("发布申报通知"),
    "call.cancel": _("撤销申报通知"),
    "call.rules.update": _("修改申报规则"),
    "call.rules.revise": _("修订已发布的申报规则"),
    # applications (the workflow's transitions keep the workflow's own words)
    "application.create": _("新建申报"),
    "application.save_draft": _("保存草稿"),
    "application.export": _("导出申报"),
    "application.attachment_upload": _("上传附件"),
    "application.attachment_download": _("下载附件"),
    "application.attachment_delete": _("删除附件"),
    "application.submit": _("提交申报"),
    "application.withdraw": _("撤回申报"),
    "application.delete_draft": _("删除草稿"),
    "application.district_start": _("受理并开始区级审核"),
    "application.district_return": _("退回企业修改"),
    "application.resubmit": _("修改后重新提交"),
    "application.district_recommend": _("签发推荐"),
    "application.district_decline": _("不予推荐"),
    "application.municipal_start": _("开始市级初审"),
    "application.municipal_return": _("市级初审退回修改"),
    "application.to_expert_review": _("提交专家评审"),
    "application.to_comprehensive_review": _("进入综合评审"),
    "application.propose": _("列入拟支持名单"),
    "application.not_proposed": _("不列入拟支持名单"),
    "application.publicize": _("公示"),
    "application.objection_upheld": _("异议成立，移出名单"),
    "application.approve": _("批准立项"),
    # district recommendation, expert review, decisions, publicity
    "review.recommendation.prepare": _("拟定推荐文件"),
    "review.recommendation.update": _("修改推荐文件"),
    "review.recommendation.remove": _("从推荐文件移出申报"),
    "review.recommendation.sign": _("签发推荐文件"),
    "review.recommendation.withdraw": _("撤回推荐文件"),
    "review.correction_request.create": _("退回修改"),
    "review.expert.create": _("新增评审专家"),
    "review.expert.update": _("修改评审专家"),
    "review.expert.conflict_declare": _("登记专家回避关系"),
    "review.expert.conflict_withdraw": _("撤销专家回避关系"),
    "review.rubric.update": _("修改评分细则"),
    "review.panel.draw": _("抽取评审专家"),
    "review.panel.verify": _("复核专家抽取"),
    "review.panel.close": _("结束专家评审"),
    "review.assignment.declare": _("专家声明利益冲突"),
    "review.assignment.recuse": _("专家回避"),
    "review.assignment.replace": _("替换评审专家"),
    "review.assignment.rescore": _("退回专家重新评分"),
    "review.assignment.remind": _("提醒专家评分"),
    "review.assignment.remind_batch": _("批量提醒专家评分"),
    "review.decision_set_amounts": _("核定支持金额"),
    "review.proposed_list_propose": _("提出拟支持名单"),
    "review.proposed_list_approve": _("批准拟支持名单"),
    "review.publicity_start": _("开始公示"),
    "review.publicity_recount": _("重算公示期"),
    "review.objection_lodge": _("提出异议"),
    "review.objection_handle": _("处理异议"),
    "review.objection_attachment_download": _("下载异议材料"),
    "review.notice_download": _("下载立项通知书"),
    "review.calendar_day_set": _("设置节假日"),
    "review.calendar_year_set": _("设置年度节假日安排"),
    "notification.read": _("阅读通知"),
    "notification.read_all": _("全部通知标为已读"),
    # demo data
    "demo.seed": _("生成演示数据"),
    "demo.wipe": _("清除演示数据"),
    "demo.expert_review": _("生成演示专家评审"),
}


def action_label(code: str) -> str:
    """The action's words, or the code itself when it has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
