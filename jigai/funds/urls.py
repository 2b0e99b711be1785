from django.urls import path

from jigai.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.budget_list, name="budget_list"),
    path("budgets/export/", views.budget_export, name="budget_export"),
    path("budgets/<int:pk>/", views.budget_detail, name="budget_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/<str:action>/", views.plan_action, name="plan_action"),
    path("instalments/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("projects/", views.project_funds, name="project_funds"),
]
