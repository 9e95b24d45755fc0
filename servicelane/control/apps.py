from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.tools.jobs import sources as tool_job_sources


class ControlConfig(AppConfig):
    name = "servicelane.control"
    label = "control"
    verbose_name = _("Workshop control centre")

    def ready(self) -> None:
        from servicelane.control import tool_jobs

        # The tool register asks the control centre about the jobs its tools are for.
        tool_job_sources.register("control", tool_jobs)
