from django.urls import path

from servicelane.appointments import booking_views

app_name = "booking"

urlpatterns = [
    path("", booking_views.choose_workshop, name="workshops"),
    path("<int:workshop_id>/", booking_views.book, name="book"),
    path("<int:workshop_id>/slots/", booking_views.slots, name="slots"),
    path("manage/<str:token>/", booking_views.manage, name="manage"),
    path("manage/<str:token>/move/", booking_views.reschedule, name="reschedule"),
]
