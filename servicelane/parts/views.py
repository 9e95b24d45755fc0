"""The parts catalogue screens: one search box (number or words, optionally the car's
VIN) with results as you type, and a part's page.

The catalogue is the network's, read by every role of its workshops and by its staff;
prices are shown in the current workshop's country and currency (all of them when
network staff look at the whole network).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from servicelane.core.errors import apply_to_form
from servicelane.core.panels import render_panels
from servicelane.core.permissions import Perm
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm
from servicelane.parts import numbers, selectors
from servicelane.parts.forms import PartSearchForm
from servicelane.parts.registry import part_panels


def _country(request: WorkshopRequest) -> str | None:
    return request.workshop.country if request.workshop else None


@require_GET
@require_perm(Perm.PARTS_VIEW)
def search(request: WorkshopRequest) -> HttpResponse:
    network = selectors.catalogue_network(user=request.user, workshop=request.workshop)
    form = PartSearchForm(request.GET if request.GET else None)
    hits: list[selectors.PartHit] = []
    vehicle = None
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        if form.cleaned_data["vin"]:
            try:
                vehicle = selectors.vehicle_for_vin(network=network, vin=form.cleaned_data["vin"])
            except ValidationError as exc:
                apply_to_form(form, exc)
        if query and not form.errors:
            hits = selectors.part_search(
                network,
                query,
                translation.get_language(),
                vehicle_type=vehicle.vehicle_type if vehicle else None,
                country=_country(request),
            )
    context = {
        "form": form,
        "hits": hits,
        "query": query,
        "vehicle": vehicle,
        "country": _country(request),
        "limit": selectors.DEFAULT_LIMIT,
    }
    if request.htmx:
        return render(request, "parts/partials/_results.html", context)
    return render(request, "parts/search.html", context)


@require_GET
@require_perm(Perm.PARTS_VIEW)
def detail(request: WorkshopRequest, number: str) -> HttpResponse:
    """A part by any typed form of its number. An old number leads to the part that
    replaced it, with a notice (``?stay=1`` shows the old part itself)."""
    network = selectors.catalogue_network(user=request.user, workshop=request.workshop)
    try:
        lookup = selectors.part_lookup(network=network, number=number)
    except Http404:
        form = PartSearchForm(initial={"q": number})
        return render(request, "parts/not_found.html", {"form": form, "number": number}, status=404)
    stay = request.GET.get("stay") == "1"
    if lookup.superseded and not stay:
        url = reverse("parts:detail", kwargs={"number": lookup.current.number})
        return redirect(f"{url}?from={lookup.requested.number}")
    part = lookup.requested
    came_from = None
    requested_from = numbers.normalise(request.GET.get("from"))
    if requested_from and not lookup.superseded:
        try:
            earlier = selectors.part_lookup(network=network, number=requested_from)
        except Http404:
            earlier = None
        if earlier is not None and earlier.current.pk == part.pk and earlier.superseded:
            came_from = earlier.requested
    sheet = selectors.part_sheet(part)
    layout = network.part_number_format
    return render(
        request,
        "parts/detail.html",
        {
            "sheet": sheet,
            "part": part,
            "name": selectors.name_in(part, translation.get_language()),
            "replaced_by": [(p, numbers.display(p.number, layout)) for p in lookup.chain[1:]],
            "replaces": [
                (old, numbers.display(old.number, layout), numbers.display(new.number, layout))
                for old, new in sheet.replaces
            ],
            "loop": lookup.loop,
            "came_from": came_from,
            "came_from_number": numbers.display(came_from.number, layout) if came_from else "",
            "country": _country(request),
            "panels": render_panels(part_panels, request, part),
        },
    )
