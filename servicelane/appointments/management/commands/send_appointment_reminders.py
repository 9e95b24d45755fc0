from django.core.management.base import BaseCommand

from servicelane.appointments.tasks import send_due_reminders_now


class Command(BaseCommand):
    help = "E-mail the day-before reminder of every booking whose reminder time has come."

    def handle(self, *args: object, **options: object) -> None:
        sent = send_due_reminders_now()
        self.stdout.write(f"{sent} reminder(s) sent")
