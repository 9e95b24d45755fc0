"""PDF documents rendered from HTML templates with WeasyPrint, in a given language."""

import base64

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation


def _fetch_static(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Resolve only our own static files; nothing is fetched over the network."""
    from weasyprint import default_url_fetcher

    if url.startswith("static:"):
        path = finders.find(url.removeprefix("static:"))
        if path:
            return default_url_fetcher(f"file://{path}")
    raise ValueError(f"external resource refused: {url}")


def render_pdf(template: str, context: dict, *, language: str, time_zone=None) -> bytes:
    """The template rendered to PDF in ``language`` (and the workshop's time zone)."""
    from weasyprint import HTML

    with translation.override(language), timezone.override(time_zone or settings.TIME_ZONE):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    return HTML(string=html, url_fetcher=_fetch_static, base_url="static:").write_pdf()


def as_attachment(filename: str, pdf: bytes) -> list[str]:
    """An attachment for ``core.tasks.send_email``."""
    return [filename, base64.b64encode(pdf).decode("ascii"), "application/pdf", "base64"]
