from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "jigai.review"
    verbose_name = "评审与决策"

    def ready(self) -> None:
        self._ready_district_and_notifications()
        self._ready_experts()
        self._ready_decision()

    @staticmethod
    def _ready_decision() -> None:
        """Comprehensive review, publicity and objections (jigai.review.views_decision): the head's
        lists to propose, publish or approve, and the officer's open objections."""
        from jigai.accounts.choices import Role
        from jigai.core import todos
        from jigai.review import views_decision

        todos.register([Role.MUNICIPAL_HEAD], views_decision.municipal_head_todo)
        todos.register([Role.MUNICIPAL_OFFICER], views_decision.objection_todo)

    @staticmethod
    def _ready_experts() -> None:
        """The expert review (jigai.review.experts): the to-do counts of experts and officers."""
        from jigai.accounts.choices import Role
        from jigai.core import todos
        from jigai.review import experts

        todos.register([Role.EXPERT], experts.expert_todo)
        todos.register([Role.MUNICIPAL_OFFICER], experts.panel_officer_todo)

    @staticmethod
    def _ready_district_and_notifications() -> None:
        """District review, municipal first review and notifications (jigai.review.district,
        .municipal, .notifications): the to-do counts, and the notice sent after each transition."""
        from django.db.models.signals import post_save

        from jigai.accounts.choices import Role
        from jigai.applications.models import ApplicationTransition
        from jigai.core import todos
        from jigai.review import district, municipal, notifications

        todos.register([Role.DISTRICT_OFFICER], district.district_officer_todo)
        todos.register([Role.DISTRICT_HEAD], district.district_head_todo)
        todos.register([Role.MUNICIPAL_OFFICER], municipal.municipal_officer_todo)
        todos.register([Role.ENTERPRISE], district.enterprise_returned_todo)
        post_save.connect(
            notifications.on_transition,
            sender=ApplicationTransition,
            dispatch_uid="review.notify_on_transition",
        )
