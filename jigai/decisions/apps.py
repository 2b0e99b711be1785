from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "jigai.decisions"
    verbose_name = "综合评审与决策"

    def ready(self) -> None:
        """The decision's rows of the workflow table, where the experts' results and the recounts of
        publicity closings go, and the head's lists to propose, publish or approve and the officer's
        open objections as to-dos."""
        from jigai.accounts.choices import Role
        from jigai.applications import workflow
        from jigai.core import todos
        from jigai.decisions import publicity, services
        from jigai.decisions import todos as decision_todos
        from jigai.decisions.budget_chart import home_budget_chart
        from jigai.decisions.workflow import TRANSITIONS
        from jigai.experts import scoring
        from jigai.workdays import workingdays

        workflow.register(*TRANSITIONS)
        # the experts' aggregated scores are kept in each application's Decision
        scoring.register_results_recorder(services.decision_scores_record)
        # a year's holiday schedule entered: count provisional publicity closings again
        workingdays.register_recount(publicity.publicity_recount_provisional)
        todos.register([Role.MUNICIPAL_HEAD], decision_todos.municipal_head_todo)
        todos.register([Role.MUNICIPAL_OFFICER], decision_todos.objection_todo)
        todos.register_chart([Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD], home_budget_chart)
