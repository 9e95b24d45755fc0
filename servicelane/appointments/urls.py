from django.urls import path

from servicelane.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.day_view, name="day"),
    path("week/", views.week_view, name="week"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("new/", views.new, name="new"),
    path("slots/", views.slots, name="slots"),
    path("<int:appointment_id>/", views.detail, name="detail"),
    path("<int:appointment_id>/arrived/", views.arrived, name="arrived"),
    path("<int:appointment_id>/no-show/", views.no_show, name="no_show"),
    path("<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("<int:appointment_id>/assign/", views.assign, name="assign"),
    path("<int:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/closures/", views.closure_new, name="closure_new"),
    path("capacity/closures/<int:closure_id>/delete/", views.closure_delete, name="closure_delete"),
    path("capacity/lanes/new/", views.lane_edit, name="lane_new"),
    path("capacity/lanes/<int:lane_id>/", views.lane_edit, name="lane_edit"),
    path("capacity/services/new/", views.service_type_edit, name="service_type_new"),
    path(
        "capacity/services/<int:service_type_id>/",
        views.service_type_edit,
        name="service_type_edit",
    ),
]
