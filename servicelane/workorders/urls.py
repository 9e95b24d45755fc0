from django.urls import path

from servicelane.workorders import parts_views, views

app_name = "workorders"

urlpatterns = [
    path("", views.repair_order_list, name="list"),
    path("new/", views.new, name="new"),
    path("check-in/<int:appointment_id>/", views.check_in, name="check_in"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reception/", views.reception_update, name="reception"),
    path("<int:pk>/cbs/", views.cbs_import, name="cbs"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/inspection/", views.inspection, name="inspection"),
    path("<int:pk>/jobs/", views.job_add, name="job_add"),
    path("<int:pk>/jobs/<int:job_id>/lines/", views.line_add, name="line_add"),
    path("<int:pk>/jobs/<int:job_id>/remove/", views.job_remove, name="job_remove"),
    path("<int:pk>/jobs/<int:job_id>/assign/", views.job_assign, name="job_assign"),
    path("<int:pk>/lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("<int:pk>/part-lines/<int:line_id>/reserve/", parts_views.reserve, name="part_reserve"),
    path(
        "<int:pk>/part-lines/<int:line_id>/unreserve/", parts_views.unreserve, name="part_unreserve"
    ),
    path("<int:pk>/part-lines/<int:line_id>/issue/", parts_views.issue, name="part_issue"),
    path("<int:pk>/part-lines/<int:line_id>/return/", parts_views.take_back, name="part_return"),
    path("<int:pk>/estimates/", views.estimate_send, name="estimate_send"),
    path("<int:pk>/estimates/<int:seq>.pdf", views.estimate_pdf_view, name="estimate_pdf"),
    path("<int:pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
