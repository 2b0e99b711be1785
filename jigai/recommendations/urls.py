from django.urls import path

from jigai.review import views_decision, views_district, views_experts, views_municipal, views_notifications

app_name = "review"
urlpatterns = [
    # District review and recommendation (views_district.py)
    path("district/", views_district.workbench, name="district_workbench"),
    path("district/start/", views_district.batch_start, name="district_batch_start"),
    path("district/prepare/", views_district.prepare, name="district_prepare"),
    path("district/<int:pk>/", views_district.detail, name="district_detail"),
    path("district/<int:pk>/start/", views_district.start, name="district_start"),
    path("district/<int:pk>/return/", views_district.return_for_correction, name="district_return"),
    path("district/<int:pk>/decline/", views_district.decline, name="district_decline"),
    path("recommendations/", views_district.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", views_district.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/sign/", views_district.recommendation_sign, name="recommendation_sign"),
    path(
        "recommendations/<int:pk>/update/", views_district.recommendation_update, name="recommendation_update"
    ),
    path(
        "recommendations/<int:pk>/withdraw/",
        views_district.recommendation_withdraw,
        name="recommendation_withdraw",
    ),
    # The enterprise: returned applications, their items, resubmission
    path("corrections/", views_district.my_returns, name="my_returns"),
    path("corrections/<int:pk>/resubmit/", views_district.resubmit, name="resubmit"),
    # Municipal first review (views_municipal.py)
    path("municipal/", views_municipal.queue, name="municipal_list"),
    path("municipal/batch/", views_municipal.batch, name="municipal_batch"),
    path("municipal/<int:pk>/return/", views_municipal.return_for_correction, name="municipal_return"),
    # Notifications (views_notifications.py)
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/bell/", views_notifications.bell, name="notifications_bell"),
    path("notifications/read-all/", views_notifications.read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views_notifications.read, name="notification_read"),
    # Comprehensive review, decision, publicity and objections (views_decision.py)
    path("decision/", views_decision.decision_index, name="decision_index"),
    path("decision/calls/<int:pk>/", views_decision.decision_ranking, name="decision_ranking"),
    path("decision/calls/<int:pk>/propose/", views_decision.decision_propose, name="decision_propose"),
    path(
        "decision/calls/<int:pk>/publicity/",
        views_decision.decision_publicity_start,
        name="decision_publicity",
    ),
    path("decision/calls/<int:pk>/approve/", views_decision.decision_approve, name="decision_approve"),
    path("decision/applications/<int:pk>/", views_decision.decision_amounts, name="decision_amounts"),
    path("decision/applications/<int:pk>/notice.pdf", views_decision.notice_pdf, name="notice_pdf"),
    path("objections/", views_decision.objection_list, name="objection_list"),
    path("objections/<int:pk>/", views_decision.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/attachment/", views_decision.objection_attachment, name="objection_attachment"),
    path("calendar/", views_decision.publicity_calendar, name="publicity_calendar"),
    # The expert review (views_experts.py): the expert's assignments, the pool, panels and rubrics
    *views_experts.urlpatterns,
]
