"""The Content-Security-Policy in a real browser: it refuses inline script, the browser
tests notice when it does, and the pages that need script work from our own files."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_is_refused_and_noticed(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.head.appendChild(script);
                const button = document.createElement("button");
                button.setAttribute("onclick", "window.clicked = true");
                document.body.appendChild(button);
                button.click();
            }"""
        )
        page.wait_for_timeout(200)  # the console messages arrive asynchronously

        assert page.evaluate("() => window.injected === undefined && !window.clicked")
    finally:
        context.close()
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()  # noticed, as it should be: the one test where that is a pass


def test_the_api_docs_render_under_the_policy(page):
    page.goto("/api/v1/docs")

    # The OpenAPI document of the whole API takes a few seconds to build.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "servicelane API", timeout=3 * TIMEOUT_MS
    )
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/token", exact=True)).to_be_visible()


PLAYGROUND = """<!doctype html>
<html><head><meta charset="utf-8"><title>playground</title>
<script src="/static/js/servicelane.js" defer></script></head>
<body>
<form method="get" action="/playground/"><select id="pick" name="pick" data-autosubmit>
  <option value="a">a</option><option value="b">b</option></select></form>
<form method="get" action="/playground/" data-confirm="Cancel this repair order?">
  <input type="hidden" name="confirmed" value="yes"><button id="cancel">Cancel</button></form>
<input id="link-7" readonly value="https://example.org/c/estimate/abc/" data-select-on-click>
<button type="button" id="copy" data-copy-target="link-7" data-copied="Copied">Copy</button>
<span id="running" data-elapsed="3600"><b data-clock>running</b></span>
<span id="promise" data-remaining="-5">overdue</span>
</body></html>"""


def test_the_pages_behaviour_works_from_the_script_file_under_the_policy(page):
    # A page of data-attributes only, under the policy the site sends, with the site's script.
    policy = page.request.get("/accounts/login/").headers["content-security-policy"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.route(
        re.compile(r"/playground/"),
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
            body=PLAYGROUND,
        ),
    )
    page.goto("/playground/")

    # The bay's clocks count up from the server's seconds, and down past zero.
    expect(page.locator("#running [data-clock]")).to_have_text(re.compile(r"^1:00:0\d$"))
    expect(page.locator("#promise")).to_have_text(re.compile(r"^0:00:0\d$"))
    expect(page.locator("#promise")).to_have_class("late")

    page.click("#copy")
    expect(page.locator("#copy")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == (
        "https://example.org/c/estimate/abc/"
    )

    # "No" to the question sends nothing; "yes" sends the form.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#cancel")
    page.wait_for_timeout(300)
    assert "confirmed" not in page.url
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel")
    page.wait_for_url(re.compile(r"confirmed=yes"))

    # A changed value submits its form.
    page.select_option("#pick", "b")
    page.wait_for_url(re.compile(r"pick=b"))
