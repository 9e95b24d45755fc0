from django.urls import path

from servicelane.workorders.views import bay as views

app_name = "bay"
urlpatterns = [
    path("", views.my_jobs, name="my_jobs"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/clock-on/", views.clock_on, name="clock_on"),
    path("jobs/<int:job_id>/pause/", views.pause, name="pause"),
    path("jobs/<int:job_id>/finish/", views.finish, name="finish"),
    path("jobs/<int:job_id>/found-work/", views.found_work, name="found_work"),
    path("jobs/<int:job_id>/photo/", views.photo, name="photo"),
    path("quality-checks/", views.qc_queue, name="qc_queue"),
    path(
        "quality-checks/<int:repair_order_id>/level-<int:level>/",
        views.qc_check,
        name="qc",
    ),
]
