from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jigai.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from jigai.accounts.choices import Role
        from jigai.audit.todos import recent_problems_todo
        from jigai.core import todos

        todos.register([Role.AUDITOR], recent_problems_todo)
