from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "jigai.calls"
    verbose_name = "申报通知"

    def ready(self) -> None:
        from jigai.accounts.choices import Role
        from jigai.calls.todos import call_drafts
        from jigai.core import todos

        todos.register([Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD], call_drafts)
