from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.tools.jobs import sources as tool_job_sources
from servicelane.workorders.registry import job_plans, technician_panels


class ControlConfig(AppConfig):
    name = "servicelane.control"
    label = "control"
    verbose_name = _("Workshop control centre")

    def ready(self) -> None:
        from servicelane.control.attendance.panels import attendance_clock
        from servicelane.control.jobs import tool_source
        from servicelane.control.jobs.selectors import planned_slots

        # The tool register asks the control centre about the jobs its tools are for.
        tool_job_sources.register("control", tool_source)
        # The technician's jobs page shows the plan and the attendance clock.
        job_plans.register("control", planned_slots)
        technician_panels.register("attendance", attendance_clock)
