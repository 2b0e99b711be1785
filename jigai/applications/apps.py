from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "jigai.applications"
    verbose_name = "项目申报"
    # The district officer's to-do for submitted applications is registered by the recommendations
    # app (jigai/recommendations/apps.py), which owns the district review step.

    def ready(self) -> None:
        from jigai.accounts.choices import Role
        from jigai.applications.todos import enterprise_drafts_todo, enterprise_open_calls_todo
        from jigai.core import todos

        todos.register([Role.ENTERPRISE], enterprise_drafts_todo)
        todos.register([Role.ENTERPRISE], enterprise_open_calls_todo)
