from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "jigai.recommendations"
    verbose_name = "区级审核与推荐"

    def ready(self) -> None:
        """The district review's and municipal first review's rows of the workflow table, and the
        to-do counts of the district officer and head, the municipal officer and the enterprise."""
        from jigai.accounts.choices import Role
        from jigai.applications import workflow
        from jigai.core import todos
        from jigai.recommendations import municipal
        from jigai.recommendations import todos as district_todos
        from jigai.recommendations.workflow import TRANSITIONS

        workflow.register(*TRANSITIONS)
        todos.register([Role.DISTRICT_OFFICER], district_todos.district_officer_todo)
        todos.register([Role.DISTRICT_HEAD], district_todos.district_head_todo)
        todos.register([Role.MUNICIPAL_OFFICER], municipal.municipal_officer_todo)
        todos.register([Role.ENTERPRISE], district_todos.enterprise_returned_todo)
