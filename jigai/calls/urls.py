from django.urls import path

from jigai.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/", views.call_create, name="create"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/edit/", views.call_edit, name="edit"),
    path("<int:pk>/rules/", views.rules_edit, name="rules_edit"),
    path("<int:pk>/rules/revise/", views.rules_revise, name="rules_revise"),
    path("<int:pk>/publish/", views.call_publish, name="publish"),
    path("<int:pk>/cancel/", views.call_cancel, name="cancel"),
]
