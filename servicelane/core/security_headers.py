"""The Content-Security-Policy header (django-csp), on every page but PDF documents."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, leaving out PDF responses: Chromium shows a PDF through an
    internal <embed> that the page's ``object-src 'none'`` would block (crbug.com/271452).
    A PDF runs no script of ours, and ``X-Content-Type-Options: nosniff`` keeps it a PDF."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith("application/pdf"):
            # django-csp's mark, which Django's response stubs do not declare.
            response._csp_exempt = True  # type: ignore[attr-defined]
        return super().process_response(request, response)
