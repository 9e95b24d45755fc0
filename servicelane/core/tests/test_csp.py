"""The Content-Security-Policy: enforced on every page, no inline script anywhere, and the
pages that need a script (htmx, the API's docs) work from this site's own files."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client

from servicelane.core.security_headers import CSPMiddleware
from servicelane.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "servicelane"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/book/", "/api/v1/docs"]
)
def test_pages_carry_an_enforced_policy_without_inline_script_or_eval(path):
    response = Client().get(path)

    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    everything = " ".join(value for values in directives.values() for value in values)
    assert "unsafe-eval" not in everything
    assert "http" not in everything  # nothing from another site, no CDN


def test_a_signed_in_page_carries_the_policy_and_loads_only_our_scripts(advisor_client):
    response = advisor_client.get("/")

    assert policy(response)["script-src"] == ["'self'"]
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "htmx and servicelane.js are loaded"
    assert all(re.search(r'\ssrc="/static/', tag) for tag in scripts), scripts
    assert 'src="/static/js/servicelane.js"' in html
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config


def test_a_pdf_is_sent_without_the_policy_so_the_browser_can_show_it(rf):
    # Chromium shows a PDF through an <embed> that object-src 'none' would block.
    pdf = CSPMiddleware(lambda request: HttpResponse(b"%PDF-1.7", content_type="application/pdf"))
    page = CSPMiddleware(lambda request: HttpResponse(b"<p>Hello</p>"))

    assert "Content-Security-Policy" not in pdf(rf.get("/invoices/1/pdf/"))
    assert "Content-Security-Policy" in page(rf.get("/invoices/1/"))


def test_the_api_docs_work_offline_from_our_own_static_files():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    # The only inline <script> is a JSON data block, which the browser never runs.
    inline = re.findall(r"<script\b(?![^>]*\ssrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in inline), inline


def test_the_login_page_still_logs_in_under_the_policy(advisor):
    client = Client()

    response = client.post("/accounts/login/", {"username": advisor.email, "password": PASSWORD})

    assert response.status_code == 302
    assert "Content-Security-Policy" in response


# ---------------------------------------------------------------- templates

INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=", re.S)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.I)
EVAL_ATTRIBUTES = re.compile(r"\s(hx-on[:\w-]*|hx-vars)\s*=|=\s*[\"']\s*(javascript|js):", re.I)


def served_templates() -> list[Path]:
    """Every HTML template a browser receives; PDF templates are rendered by WeasyPrint
    on the server and never served as HTML."""
    return sorted(
        path
        for path in TEMPLATE_ROOT.glob("**/templates/**/*.html")
        if "pdf" not in path.relative_to(TEMPLATE_ROOT).parts
    )


def test_templates_are_found():
    names = {path.name for path in served_templates()}
    assert {"base.html", "login.html", "board.html"} <= names
    assert "estimate.html" in names  # the customer's page, not only the PDF


def test_no_template_has_an_inline_event_handler_or_inline_script():
    found = []
    for path in served_templates():
        text = path.read_text()
        # Comments may speak of <script>; only markup counts.
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
        text = re.sub(r"{#.*?#}", "", text)
        where = path.relative_to(TEMPLATE_ROOT)
        found += [f"{where}: {m.group(1)}=" for m in INLINE_HANDLER.finditer(text)]
        found += [f"{where}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{where}: {m.group(0).strip()}" for m in EVAL_ATTRIBUTES.finditer(text)]

    assert found == []


def test_the_template_check_sees_what_it_forbids():
    # The patterns above must match the markup they are meant to refuse.
    assert INLINE_HANDLER.search('<select name="x" onchange="this.form.submit()">')
    assert INLINE_HANDLER.search('<form method="post"\n   onsubmit="return confirm(1)">')
    assert not INLINE_HANDLER.search('<select name="x" data-autosubmit>')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/servicelane.js" defer></script>')
    assert EVAL_ATTRIBUTES.search('<button hx-on:click="alert(1)">')
    assert EVAL_ATTRIBUTES.search('<a href="javascript:alert(1)">')
