from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicelane.core.forms import LanguageForm, WorkshopSwitchForm
from servicelane.core.middleware import SESSION_WORKSHOP_KEY
from servicelane.core.selectors import dashboard_figures
from servicelane.core.tenancy import access_for, forget_access
from servicelane.core.types import WorkshopRequest


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def home(request: WorkshopRequest) -> HttpResponse:
    figures = dashboard_figures(user=request.user, workshop=request.workshop)
    return render(request, "core/home.html", {"figures": figures})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language; for a signed-in user it is remembered on the profile."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown language."), status=400)
    language = form.cleaned_data["language"]
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next")))
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
@require_POST
def switch_workshop(request: WorkshopRequest) -> HttpResponse:
    """Choose the workshop to work in; network staff may choose the whole network."""
    form = WorkshopSwitchForm(request.POST)
    forget_access(request.user)
    access = access_for(request.user)
    if not form.is_valid():
        return HttpResponse(_("Unknown workshop."), status=404)
    workshop_id = form.cleaned_data["workshop"]
    if workshop_id is None and access.is_network_staff:
        request.session.pop(SESSION_WORKSHOP_KEY, None)
    elif workshop_id in access.visible_workshop_ids():
        request.session[SESSION_WORKSHOP_KEY] = workshop_id
    else:
        return HttpResponse(_("Unknown workshop."), status=404)
    return HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next")))


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
