from django.urls import path

from servicelane.followup import views

app_name = "followup"

urlpatterns: list = [
    path("surveys/", views.surveys, name="surveys"),
    path("reminders/", views.reminders, name="reminders"),
]
