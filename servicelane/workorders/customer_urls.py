"""The car owner's links (no login): answer an estimate, follow the repair."""

from django.urls import path

from servicelane.workorders.views import customer as views

app_name = "customer"
urlpatterns: list = [
    path("estimate/<str:token>/", views.estimate, name="estimate"),
    path("estimate/<str:token>/pdf/", views.estimate_pdf_view, name="estimate_pdf"),
    path("progress/<str:token>/", views.progress, name="progress"),
    path("progress/<str:token>/photos/<int:photo_id>/", views.photo, name="photo"),
]
