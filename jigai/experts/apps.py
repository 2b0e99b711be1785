from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "jigai.experts"
    verbose_name = "专家评审"

    def ready(self) -> None:
        """The expert review's row of the workflow table, what an expert may read of applications
        (its own accepted assignments), and the to-do counts of experts and officers."""
        from jigai.accounts.choices import Role
        from jigai.applications import workflow
        from jigai.applications.models import ApplicationQuerySet
        from jigai.core import todos
        from jigai.experts import selectors
        from jigai.experts import todos as expert_todos
        from jigai.experts.workflow import TRANSITIONS

        workflow.register(*TRANSITIONS)
        ApplicationQuerySet.expert_scope = selectors.applications_of_expert_q
        todos.register([Role.EXPERT], expert_todos.expert_todo)
        todos.register([Role.MUNICIPAL_OFFICER], expert_todos.panel_officer_todo)
