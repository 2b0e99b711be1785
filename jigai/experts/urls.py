"""Pages of the expert review (the expert's assignments, the pool, panels and rubrics), under
/review/ in the ``review`` namespace (their addresses before the review app was split; see
jigai/urls.py)."""

from django.urls import path

from jigai.experts import views, views_panels

urlpatterns = [
    path("expert/", views.expert_assignments, name="expert_assignments"),
    path("expert/assignments/<int:pk>/", views.expert_assignment, name="expert_assignment"),
    path("expert/assignments/<int:pk>/declare/", views.expert_declare, name="expert_declare"),
    path("expert/assignments/<int:pk>/score/", views.expert_score, name="expert_score"),
    path("expert/profile/", views.expert_profile, name="expert_profile"),
    path(
        "expert/conflicts/<int:organisation_id>/withdraw/",
        views.expert_conflict_withdraw,
        name="expert_conflict_withdraw",
    ),
    path("experts/", views_panels.expert_pool, name="expert_pool"),
    path("experts/new/", views_panels.expert_create, name="expert_create"),
    path("experts/<int:pk>/edit/", views_panels.expert_edit, name="expert_edit"),
    path("panels/", views_panels.panel_index, name="panel_index"),
    path("calls/<int:call_id>/panel/", views_panels.panel_detail, name="panel_detail"),
    path("calls/<int:call_id>/panel/draw/", views_panels.panel_draw, name="panel_draw"),
    path("calls/<int:call_id>/panel/close/", views_panels.panel_close, name="panel_close"),
    path("calls/<int:call_id>/panel/verify/", views_panels.panel_verify, name="panel_verify"),
    path("calls/<int:call_id>/rubric/", views_panels.panel_rubric, name="panel_rubric"),
    path("panel/assignments/<int:pk>/remind/", views_panels.assignment_remind, name="panel_remind"),
    path("panel/assignments/<int:pk>/replace/", views_panels.assignment_replace, name="panel_replace"),
]
