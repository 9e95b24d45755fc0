"""Background tasks of the core: sending e-mail off the request."""

import base64

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
    page. ``attachments`` are ``[filename, text, mimetype]`` triples; binary
    files (PDFs) travel as ``[filename, base64 text, mimetype, "base64"]``.
    """
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype, *encoding in attachments or []:
        data = base64.b64decode(content) if encoding == ["base64"] else content
        message.attach(filename, data, mimetype)
    return message.send()
