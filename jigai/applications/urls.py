from django.urls import path

from jigai.applications import views, views_official

app_name = "applications"
urlpatterns: list = [
    # The officials' pages (views_official.py): the scoped list, its Excel export, the read-only detail
    path("", views_official.application_list, name="list"),
    path("export/", views_official.application_export, name="official_export"),
    path("<int:pk>/review/", views_official.application_review, name="official_detail"),
    # The enterprise's pages (views.py): 我的申报, new draft from a call, edit, submit, attachments
    path("mine/", views.my_list, name="mine"),
    path("mine/new/<int:call_pk>/", views.create, name="create"),
    path("mine/<int:pk>/", views.my_detail, name="my_detail"),
    path("mine/<int:pk>/edit/", views.edit, name="edit"),
    path("mine/<int:pk>/totals/", views.totals, name="totals"),
    path("mine/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("mine/<int:pk>/submit/", views.submit, name="submit"),
    path("mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("mine/<int:pk>/delete/", views.delete_draft, name="delete_draft"),
    path("mine/<int:pk>/attachments/upload/<slug:code>/", views.attachment_upload, name="attachment_upload"),
    path(
        "mine/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "mine/<int:pk>/attachments/<int:attachment_pk>/download/",
        views.attachment_download,
        name="my_attachment_download",
    ),
]
