"""Pages of the comprehensive review, the decision, publicity and objections, under /review/ in the
``review`` namespace (their addresses before the review app was split; see jigai/urls.py). The public
publicity pages are in urls_public.py."""

from django.urls import path

from jigai.decisions import views, views_objections

urlpatterns = [
    path("decision/", views.decision_index, name="decision_index"),
    path("decision/calls/<int:pk>/", views.decision_ranking, name="decision_ranking"),
    path("decision/calls/<int:pk>/propose/", views.decision_propose, name="decision_propose"),
    path("decision/calls/<int:pk>/publicity/", views.decision_publicity_start, name="decision_publicity"),
    path("decision/calls/<int:pk>/approve/", views.decision_approve, name="decision_approve"),
    path("decision/applications/<int:pk>/", views.decision_amounts, name="decision_amounts"),
    path("decision/applications/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("objections/", views_objections.objection_list, name="objection_list"),
    path("objections/<int:pk>/", views_objections.objection_detail, name="objection_detail"),
    path(
        "objections/<int:pk>/attachment/", views_objections.objection_attachment, name="objection_attachment"
    ),
    path("calendar/", views.publicity_calendar, name="publicity_calendar"),
]
