"""Supersession: an old part number points at the part that replaced it.

Any old number resolves to the current part by following ``superseded_by`` as far as
it goes; a chain may have any length. The services and the import refuse a loop, but
the walk never trusts that: it stops at the first part it has seen before and reports
the loop (``SupersessionLoop``) instead of running forever.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicelane.parts.models import Part

logger = logging.getLogger(__name__)

RELATED = ("group__parent", "network")


class SupersessionLoop(ValidationError):
    """Following the supersessions comes back to a part already passed."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        super().__init__(
            {"superseded_by": [_("Supersession loop: %(chain)s.") % {"chain": " → ".join(numbers)}]}
        )


def resolve(part: Part) -> Part:
    """The current part for ``part``: itself, or the last of its successors."""
    return chain_forward(part)[-1]


def chain_forward(part: Part) -> list[Part]:
    """``part`` and every part that replaced it in turn; the current one last.
    Raises ``SupersessionLoop`` when the chain comes back on itself."""
    chain = [part]
    seen = {part.pk}
    current = part
    while current.superseded_by_id is not None:
        if current.superseded_by_id in seen:
            loop = [
                p.number for p in chain[[p.pk for p in chain].index(current.superseded_by_id) :]
            ]
            raise SupersessionLoop([*loop, loop[0]])
        current = Part.objects.select_related(*RELATED).get(pk=current.superseded_by_id)
        seen.add(current.pk)
        chain.append(current)
    return chain


def predecessors(part: Part) -> list[tuple[Part, Part]]:
    """Every part that ``part`` replaces, directly or through others, nearest first,
    each with the part that replaced it: ``[(old, replaced_by), …]``. One query per
    generation; a loop cannot make it run forever."""
    found: list[tuple[Part, Part]] = []
    seen = {part.pk}
    generation = {part.pk: part}
    while generation:
        older = Part.objects.filter(superseded_by_id__in=list(generation)).order_by("number")
        following: dict[int, Part] = {}
        for old in older:
            successor = old.superseded_by_id  # one of this generation, as filtered
            if old.pk in seen or successor is None:
                continue
            seen.add(old.pk)
            found.append((old, generation[successor]))
            following[old.pk] = old
        generation = following
    return found


def resolve_many(parts: Iterable[Part]) -> dict[int, Part]:
    """The current part for each of ``parts`` by id, one query per step of the longest
    chain. A part caught in a loop maps to itself (and the loop is logged)."""
    parts = list(parts)
    asked = {p.pk: p for p in parts}
    current: dict[int, Part] = {}
    # chains under way: id of the part asked for → (next id, ids passed)
    walking: dict[int, tuple[int, set[int]]] = {}
    for part in parts:
        if part.superseded_by_id is None:
            current[part.pk] = part
        else:
            walking[part.pk] = (part.superseded_by_id, {part.pk})
    while walking:
        fetched = Part.objects.select_related(*RELATED).in_bulk(
            {next_id for next_id, _ in walking.values()}
        )
        still: dict[int, tuple[int, set[int]]] = {}
        for start, (next_id, passed) in walking.items():
            step = fetched[next_id]
            if step.superseded_by_id is None:
                current[start] = step
            elif step.superseded_by_id in passed or step.pk in passed:
                logger.warning("supersession loop from part %s", asked[start].number)
                current[start] = asked[start]
            else:
                still[start] = (step.superseded_by_id, passed | {step.pk})
        walking = still
    return current
