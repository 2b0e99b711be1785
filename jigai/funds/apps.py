from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jigai.funds"
    verbose_name = "资金管理"

    def ready(self) -> None:
        """The ranking of a call reads its budget figure from the funds ledger (see
        :func:`jigai.funds.selectors.ranking_budget_figure`)."""
        from jigai.calls import budget
        from jigai.funds import selectors

        budget.register_budget_figure(selectors.ranking_budget_figure)
