"""The tools room's tests run on the control centre's workshop floor (its technicians,
jobs that need special tools, and the tools room): the fixtures are shared from there."""

from servicelane.control.tests.conftest import floor, foreman_client, pinned_now  # noqa: F401
