"""Events: one step in a record's life (a booking, a repair order, a part order), who took
it and when, and the timeline that shows them in words.

Each app keeps its own event table, a subclass of ``Event`` with its subject's foreign
key and its kinds; the writing and the reading are the same everywhere.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """What happened (``kind``, with the subclass's choices), by whom, when, and the
    details the timeline words it from (``data``)."""

    # The name of the subclass's foreign key to the record the event belongs to.
    subject_field: ClassVar[str]
    # Declared by each subclass, with its own choices (and so its own display).
    kind: Any
    get_kind_display: Callable[[], str]

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


E = TypeVar("E", bound=Event)


def record_event(
    model: type[E],
    *,
    subject: models.Model,
    kind: str,
    actor: Any = None,
    at: Any = None,
    **data: Any,
) -> E:
    """Write one event of ``subject``. An anonymous actor (a customer on a signed link,
    the task worker) is recorded as nobody."""
    fields: dict[str, Any] = {
        model.subject_field: subject,
        "kind": kind,
        "actor": actor if getattr(actor, "pk", None) else None,
        "data": data,
    }
    if at is not None:
        fields["at"] = at
    return model._default_manager.create(**fields)


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    kind: str
    label: str
    actor: Any
    text: str
    by: str  # who, in words: the actor, or what the app says an event without one means


def _actor_name(event: Any) -> str:
    return str(event.actor) if event.actor else ""


def timeline(
    events: Sequence[Event],
    describe: Callable[[Any], str],
    who: Callable[[Any], str] = _actor_name,
) -> list[TimelineEntry]:
    """The events newest first, each with its kind, details and actor in words."""
    return [
        TimelineEntry(
            at=event.at,
            kind=event.kind,
            label=str(event.get_kind_display()),
            actor=event.actor,
            text=describe(event),
            by=who(event),
        )
        for event in reversed(events)
    ]
