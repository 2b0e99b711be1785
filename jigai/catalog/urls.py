from django.urls import path

from jigai.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.update, name="update"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/import/", views.import_workbook, name="import"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/copy/", views.copy, name="copy"),
    path("<int:pk>/items/new/", views.item_form, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_form, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
]
