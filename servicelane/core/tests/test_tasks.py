import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from servicelane.core.tasks import send_email

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    """The real queue `make run` uses, instead of the tests' immediate backend."""
    settings.TASKS = DATABASE_QUEUE  # django-tasks rebuilds its backends on the change


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_mail_queued_in_the_database(database_queue):
    result = send_email.enqueue(subject="Hallo", body="Text", to=["kunde@example.de"])
    assert mail.outbox == []  # queued, not sent

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Hallo"]
    result.refresh()
    assert result.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_mail_waits_in_the_queue_until_the_worker_runs(advisor, database_queue):
    Client().post("/accounts/password_reset/", {"email": advisor.email})
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [advisor.email]
