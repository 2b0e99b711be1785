from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "jigai.decisions"
    verbose_name = "综合评审与决策"

    def ready(self) -> None:
        """The decision's rows of the workflow table, and the head's lists to propose, publish or
        approve and the officer's open objections as to-dos."""
        from jigai.accounts.choices import Role
        from jigai.applications import workflow
        from jigai.core import todos
        from jigai.decisions import views
        from jigai.decisions.workflow import TRANSITIONS

        workflow.register(*TRANSITIONS)
        todos.register([Role.MUNICIPAL_HEAD], views.municipal_head_todo)
        todos.register([Role.MUNICIPAL_OFFICER], views.objection_todo)
