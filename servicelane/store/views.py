"""The parts clerk's store screens: the stock list, a part's page (figures, bin and
min/max, ledger, reservations), stock counts and reorder suggestions.

Every screen is the store of the current workshop. Every workshop role reads it
(``PARTS_VIEW``); only ``STORE_MANAGE`` changes it, and the services check that again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm
from servicelane.parts import numbers
from servicelane.store import selectors, services
from servicelane.store.forms import (
    COUNT_ROWS,
    MAX_COUNT_ROWS,
    CountNoteForm,
    CountRowForm,
    CountRowFormSet,
    ItemSettingsForm,
    StockSearchForm,
)
from servicelane.store.services import quantity_text

MORE_ROWS = 5


def _store(request: WorkshopRequest, perm: Perm = Perm.PARTS_VIEW) -> Workshop:
    """The current workshop's store, if the user's role there allows ``perm``."""
    workshop = request.workshop
    if workshop is None or not access_for(request.user).can(perm, workshop.pk):
        raise PermissionDenied(_("Choose a workshop where your role allows this."))
    return workshop


def _may_manage(request: WorkshopRequest, workshop: Workshop) -> bool:
    return access_for(request.user).can(Perm.STORE_MANAGE, workshop.pk)


# ---------------------------------------------------------------- the stock list


@require_GET
@require_perm(Perm.PARTS_VIEW)
def stock_list(request: WorkshopRequest) -> HttpResponse:
    workshop = _store(request)
    form = StockSearchForm(request.GET)
    q, below = "", False
    if form.is_valid():
        q, below = form.cleaned_data["q"], form.cleaned_data["below_minimum"]
    items = selectors.stock_search(
        selectors.store_items(user=request.user, workshop=workshop), q, below
    )
    page = paginate(request, items)
    page.object_list = selectors.with_figures(page.object_list, workshop)
    context = {
        "workshop": workshop,
        "form": form,
        "page": page,
        "q": q,
        "below_minimum": below,
        "query": query_without_page(request),
        "can_manage": _may_manage(request, workshop),
    }
    if request.htmx:
        return render(request, "store/partials/_stock_results.html", context)
    return render(request, "store/list.html", context)


# ---------------------------------------------------------------- one item


def _not_in_store(
    request: WorkshopRequest,
    workshop: Workshop,
    number: str,
    lookup: selectors.ItemLookup,
    form: ItemSettingsForm | None = None,
) -> HttpResponse:
    part = lookup.part
    can_manage = part is not None and _may_manage(request, workshop)
    if can_manage and form is None:
        form = ItemSettingsForm(initial={"minimum": "0", "maximum": "0"})
    context = {
        "workshop": workshop,
        "number": number,
        "part": part,
        "display_number": (
            numbers.display(part.number, workshop.network.part_number_format) if part else ""
        ),
        "form": form if can_manage else None,
        "search": StockSearchForm(initial={"q": number}),
    }
    refused = form is not None and form.is_bound and bool(form.errors)
    return render(request, "store/not_in_store.html", context, status=400 if refused else 404)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.PARTS_VIEW)
def item(request: WorkshopRequest, number: str) -> HttpResponse:
    """A part of the store by its number typed any way. Its bin and min/max are
    changed here (the quantity only moves through the ledger); a part the store does
    not keep yet may be taken in by giving it a bin and min/max."""
    workshop = _store(request)
    lookup = selectors.item_lookup(user=request.user, workshop=workshop, number=number)
    if lookup.redirect_to and lookup.part is not None:
        url = reverse("store:item", kwargs={"number": lookup.redirect_to})
        messages.info(
            request,
            _("%(old)s has been replaced: the store keeps %(new)s.")
            % {
                "old": numbers.display(lookup.part.number, workshop.network.part_number_format),
                "new": numbers.display(lookup.redirect_to, workshop.network.part_number_format),
            },
        )
        return redirect(url)
    form = None
    if request.method == "POST":
        if lookup.part is None:
            raise Http404(_("No part with this number in the catalogue."))
        workshop = _store(request, Perm.STORE_MANAGE)
        form = ItemSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.stock_item_set(
                    actor=request.user,
                    workshop=workshop,
                    part=lookup.part,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("The part's bin and stock limits are saved."))
                return redirect("store:item", number=lookup.part.number)
    if lookup.item is None:
        return _not_in_store(request, workshop, number, lookup, form)
    stock = selectors.with_figures([lookup.item], workshop)[0]
    can_manage = _may_manage(request, workshop)
    if form is None and can_manage:
        form = ItemSettingsForm(
            initial={
                "bin_location": stock.item.bin_location,
                "minimum": quantity_text(stock.item.minimum),
                "maximum": quantity_text(stock.item.maximum),
            }
        )
    ledger = paginate(request, selectors.item_movements(stock.item))
    ledger.object_list = selectors.ledger_rows(ledger.object_list)
    context = {
        "workshop": workshop,
        "item": stock.item,
        "stock": stock,
        "part": stock.item.part,
        "form": form if can_manage else None,
        "ledger": ledger,
        "page": ledger,
        "query": query_without_page(request),
        "reservations": selectors.open_reservations(stock.item),
        "next_arrival": selectors.next_arrival(stock.item) if stock.on_order else None,
    }
    return render(request, "store/item.html", context, status=400 if form and form.errors else 200)


# ---------------------------------------------------------------- counts


@require_GET
@require_perm(Perm.PARTS_VIEW)
def count_list(request: WorkshopRequest) -> HttpResponse:
    workshop = _store(request)
    page = paginate(request, selectors.counts_of(user=request.user, workshop=workshop))
    return render(
        request,
        "store/counts.html",
        {
            "workshop": workshop,
            "page": page,
            "query": query_without_page(request),
            "can_manage": _may_manage(request, workshop),
        },
    )


def _rows_wanted(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or ""), MAX_COUNT_ROWS))
    except ValueError:
        return default


def _more_rows(data: QueryDict) -> QueryDict:
    """The posted rows and a few empty ones more."""
    data = data.copy()
    key = "form-TOTAL_FORMS"
    data[key] = str(_rows_wanted(data.get(key), COUNT_ROWS) + MORE_ROWS)
    return data


@require_http_methods(["GET", "POST"])
@require_perm(Perm.STORE_MANAGE)
def count_new(request: WorkshopRequest) -> HttpResponse:
    """A count sheet: part number and quantity found per row (``?bin=A-03`` lists the
    parts of those bins). Every bad row is named and nothing is booked until all are
    right; the count then books each difference in the ledger."""
    workshop = _store(request, Perm.STORE_MANAGE)
    refused = False
    if request.method == "POST" and "more" in request.POST:
        rows = CountRowFormSet(_more_rows(request.POST))
        note = CountNoteForm(request.POST)
    elif request.method == "POST":
        rows = CountRowFormSet(request.POST)
        note = CountNoteForm(request.POST)
        if rows.is_valid() and note.is_valid():
            lines = [
                (row.cleaned_data.get("number"), row.cleaned_data.get("counted")) for row in rows
            ]
            try:
                counts = selectors.count_parts(workshop=workshop, lines=lines)
                count = services.stock_count_record(
                    actor=request.user,
                    workshop=workshop,
                    counts=counts,
                    note=note.cleaned_data["note"],
                )
            except ValidationError as exc:
                refused = True
                _count_errors(rows, note, exc)
            else:
                messages.success(request, _("The count is booked."))
                return redirect("store:count_detail", count_id=count.pk)
        else:
            refused = True
    else:
        bin_prefix = request.GET.get("bin", "")
        numbers_on_shelf = selectors.numbers_in_bins(
            user=request.user, workshop=workshop, bin_prefix=bin_prefix
        )
        layout = workshop.network.part_number_format
        initial = [{"number": numbers.display(n, layout)} for n in numbers_on_shelf]
        wanted = _rows_wanted(request.GET.get("rows"), COUNT_ROWS)
        initial += [{} for _i in range(max(0, wanted - len(initial)))]
        rows = CountRowFormSet(initial=initial)
        note = CountNoteForm(
            initial={"note": bin_prefix and _("Bins %(bins)s") % {"bins": bin_prefix.upper()}}
        )
    context = {
        "workshop": workshop,
        "rows": rows,
        "note_form": note,
        "refused": refused,
        "bin": request.GET.get("bin", ""),
    }
    return render(request, "store/count_new.html", context, status=400 if refused else 200)


def _count_errors(
    rows: "BaseFormSet[CountRowForm]", note: CountNoteForm, exc: ValidationError
) -> None:
    """A refusal at the row it names (``lines.<i>.<field>``), the rest above the rows."""
    for key, texts in (exc.message_dict if hasattr(exc, "error_dict") else {}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows.forms) and parts[2] in rows.forms[index].fields:
                for text in texts:
                    rows.forms[index].add_error(parts[2], text)
                continue
        if key == "note":
            for text in texts:
                note.add_error("note", text)
            continue
        for text in texts:
            note.add_error(None, text)
    if not hasattr(exc, "error_dict"):
        for text in exc.messages:
            note.add_error(None, text)


@require_GET
@require_perm(Perm.PARTS_VIEW)
def count_detail(request: WorkshopRequest, count_id: int) -> HttpResponse:
    workshop = _store(request)
    count = selectors.count_get(user=request.user, pk=count_id, workshop=workshop)
    lines = selectors.count_lines(count)
    return render(
        request,
        "store/count_detail.html",
        {
            "workshop": workshop,
            "count": count,
            "lines": lines,
            "differences": sum(1 for row in lines if row.line.difference),
        },
    )


# ---------------------------------------------------------------- reorder


@require_GET
@require_perm(Perm.PARTS_VIEW)
def reorder(request: WorkshopRequest) -> HttpResponse:
    """What to order: parts whose projected stock (on hand - held - waiting + on
    order) falls below the minimum, and parts whose reservations nothing covers."""
    workshop = _store(request)
    found = selectors.reorder_suggestions(user=request.user, workshop=workshop)
    access = access_for(request.user)
    return render(
        request,
        "store/reorder.html",
        {
            "workshop": workshop,
            "suggestions": found.suggestions,
            "order_url": found.order_url if found.suggestions else "",
            "can_order": access.can(Perm.PART_ORDER, workshop.pk),
            "max_lines": selectors.MAX_ORDER_LINES,
        },
    )
