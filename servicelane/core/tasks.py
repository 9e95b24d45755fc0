"""Background tasks of the core: sending e-mail off the request."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    attachments: list[list[str]] | None = None,
) -> int:
    """Send one already rendered e-mail through Django's mail API.

    Rendering happens before enqueueing, in the recipient's language; the
    worker only delivers, so a slow or unreachable mail server never delays a
    page. ``attachments`` are ``[filename, text, mimetype]`` triples.
    """
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
