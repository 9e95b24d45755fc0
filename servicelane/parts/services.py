"""Writes to the parts catalogue."""

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicelane.core.models import Network
from servicelane.parts.importer import CatalogueImport, ImportResult
from servicelane.parts.models import Part
from servicelane.parts.supersession import SupersessionLoop, chain_forward


def supersession_check(*, old: Part, new: Part | None) -> None:
    """Refuse a supersession that would make the catalogue go round in circles: a part
    replaced by itself, by a part of another network, or by a part whose own chain of
    successors leads back to it."""
    if new is None:
        return
    if new.pk == old.pk or new.number == old.number:
        raise ValidationError({"superseded_by": [_("A part cannot replace itself.")]})
    if new.network_id != old.network_id:
        raise ValidationError({"superseded_by": [_("The new part belongs to another catalogue.")]})
    chain = chain_forward(new)
    numbers = [p.number for p in chain]
    if old.pk in {p.pk for p in chain}:
        loop = numbers[: numbers.index(old.number) + 1]
        raise SupersessionLoop([old.number, *loop])


@transaction.atomic
def part_supersede(*, old: Part, new: Part | None) -> Part:
    """``old`` is replaced by ``new`` (``None``: by nothing any more). Every old number
    then resolves to the end of the chain. Refused with a ValidationError: a part
    replacing itself, a part of another network, a loop."""
    locked = {p.pk: p for p in Part.objects.select_for_update().filter(pk__in=_ids(old, new))}
    old = locked[old.pk]
    new = locked[new.pk] if new is not None else None
    supersession_check(old=old, new=new)
    old.superseded_by = new
    old.save(update_fields=["superseded_by", "updated_at"])
    return old


def _ids(*parts: Part | None) -> list[int]:
    return [p.pk for p in parts if p is not None]


def part_catalogue_import(
    *,
    network: Network,
    source: str | Path | IO[str],
    progress: Callable[[int], Any] | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Load a catalogue CSV (columns in docs/parts.md) into the network's catalogue.

    Idempotent: a row that matches the catalogue changes nothing, a changed row updates
    its part (names, group, unit, prices, fitment, supersession), a new number creates
    one. Streaming, in batches of ``batch_size`` rows, each its own transaction. A bad
    row (empty number, unknown unit or vehicle type, a malformed or negative price) is
    reported by its line with the reason and left out; the others are imported.
    Supersessions are applied once every row is in, so a row may name a successor
    further down the file; a loop among them is refused by line. ``progress`` is told
    the number of rows done after each batch.
    """
    job = CatalogueImport(network=network, progress=progress, batch_size=batch_size)
    return job.run(source)
