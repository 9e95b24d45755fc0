from django.urls import path

from servicelane.workorders.views.advisor import (
    estimate,
    handover,
    inspection,
    order_list,
    page,
    parts,
    reception,
    work,
)

app_name = "workorders"

urlpatterns = [
    path("", order_list.repair_order_list, name="list"),
    path("new/", reception.new, name="new"),
    path("check-in/<int:appointment_id>/", reception.check_in, name="check_in"),
    path("<int:pk>/", page.detail, name="detail"),
    path("<int:pk>/reception/", reception.reception_update, name="reception"),
    path("<int:pk>/cbs/", reception.cbs_import, name="cbs"),
    path("<int:pk>/photos/", reception.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_id>/", reception.photo, name="photo"),
    path("<int:pk>/inspection/", inspection.inspection, name="inspection"),
    path("<int:pk>/jobs/", estimate.job_add, name="job_add"),
    path("<int:pk>/jobs/<int:job_id>/lines/", estimate.line_add, name="line_add"),
    path("<int:pk>/jobs/<int:job_id>/remove/", estimate.job_remove, name="job_remove"),
    path("<int:pk>/jobs/<int:job_id>/assign/", work.job_assign, name="job_assign"),
    path("<int:pk>/lines/<int:line_id>/remove/", estimate.line_remove, name="line_remove"),
    path("<int:pk>/part-lines/<int:line_id>/reserve/", parts.reserve, name="part_reserve"),
    path("<int:pk>/part-lines/<int:line_id>/unreserve/", parts.unreserve, name="part_unreserve"),
    path("<int:pk>/part-lines/<int:line_id>/issue/", parts.issue, name="part_issue"),
    path("<int:pk>/part-lines/<int:line_id>/return/", parts.take_back, name="part_return"),
    path("<int:pk>/estimates/", estimate.estimate_send, name="estimate_send"),
    path("<int:pk>/estimates/<int:seq>.pdf", estimate.estimate_pdf_view, name="estimate_pdf"),
    path("<int:pk>/handover/", handover.handover, name="handover"),
    path("<int:pk>/cancel/", handover.cancel, name="cancel"),
]
