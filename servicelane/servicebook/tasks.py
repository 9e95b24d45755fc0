"""Background work of the service book."""

from django_tasks import task

from servicelane.servicebook.services import service_entry_transfer


@task()
def transfer_service_entry(entry_id: int) -> str:
    """Send one queued service entry to the car; returns the state it ended in."""
    entry = service_entry_transfer(entry_id)
    return entry.transfer_status if entry else "missing"
