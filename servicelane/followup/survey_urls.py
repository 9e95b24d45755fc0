"""The car owner's survey link (no login)."""

from django.urls import path

from servicelane.followup import survey_views as views

app_name = "survey"

urlpatterns: list = [
    path("<str:token>/", views.answer, name="answer"),
]
