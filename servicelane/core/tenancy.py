"""Tenant scoping: the single place that decides which workshops a user sees.

Every workshop-owned model uses ``WorkshopScopedQuerySet``; selectors call
``.visible_to(user)`` and lookups go through ``get_for_user`` so another
workshop's record is simply not found (404), in the UI and in the API alike.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.permissions import NETWORK_ROLE_PERMS, WORKSHOP_ROLE_PERMS, Perm

M = TypeVar("M", bound=models.Model)
M_co = TypeVar("M_co", bound=models.Model, covariant=True)


@dataclass(frozen=True)
class Access:
    """What one user may see and do, computed once per request."""

    user_id: int | None
    workshop_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    network_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    network_of_workshop: dict[int, int] = field(default_factory=dict)

    @property
    def network_ids(self) -> frozenset[int]:
        """Networks the user belongs to, as staff or through a workshop."""
        return frozenset(self.network_roles) | frozenset(
            self.network_of_workshop[w] for w in self.workshop_roles
        )

    @property
    def is_network_staff(self) -> bool:
        return bool(self.network_roles)

    def visible_workshop_ids(self) -> frozenset[int]:
        staff_networks = set(self.network_roles)
        return frozenset(self.workshop_roles) | frozenset(
            w for w, n in self.network_of_workshop.items() if n in staff_networks
        )

    def perms_in(self, workshop_id: int) -> frozenset[Perm]:
        perms: set[Perm] = set()
        for role in self.workshop_roles.get(workshop_id, ()):
            perms |= WORKSHOP_ROLE_PERMS.get(role, frozenset())
        network_id = self.network_of_workshop.get(workshop_id)
        for role in self.network_roles.get(network_id, ()) if network_id else ():
            perms |= NETWORK_ROLE_PERMS.get(role, frozenset())
        return frozenset(perms)

    def can(self, perm: Perm, workshop_id: int | None = None) -> bool:
        """May the user do ``perm`` in that workshop (or in any, when None)?"""
        if workshop_id is not None:
            return perm in self.perms_in(workshop_id)
        return any(perm in self.perms_in(w) for w in self.visible_workshop_ids())

    def require(self, perm: Perm, workshop_id: int | None = None) -> None:
        if not self.can(perm, workshop_id):
            raise PermissionDenied(_("Your role does not allow this."))

    def networks_with(self, perm: Perm) -> list[int]:
        """Networks where a network role grants ``perm`` for every workshop."""
        return sorted(
            n
            for n, roles in self.network_roles.items()
            if any(perm in NETWORK_ROLE_PERMS.get(role, frozenset()) for role in roles)
        )

    def workshops_with(self, perm: Perm) -> list[int]:
        return sorted(w for w in self.visible_workshop_ids() if self.can(perm, w))


NO_ACCESS = Access(user_id=None)


def access_for(user: Any) -> Access:
    """The user's access, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_servicelane_access", None)
    if cached is not None:
        return cached
    from servicelane.core.models import Membership, NetworkMembership, Workshop

    workshop_roles: dict[int, set[str]] = {}
    for workshop_id, role in Membership.objects.filter(user=user).values_list(
        "workshop_id", "role"
    ):
        workshop_roles.setdefault(workshop_id, set()).add(role)
    network_roles: dict[int, set[str]] = {}
    for network_id, role in NetworkMembership.objects.filter(user=user).values_list(
        "network_id", "role"
    ):
        network_roles.setdefault(network_id, set()).add(role)
    network_of_workshop = dict(
        Workshop.objects.filter(
            models.Q(id__in=workshop_roles) | models.Q(network_id__in=network_roles)
        ).values_list("id", "network_id")
    )
    access = Access(
        user_id=user.pk,
        workshop_roles={k: frozenset(v) for k, v in workshop_roles.items()},
        network_roles={k: frozenset(v) for k, v in network_roles.items()},
        network_of_workshop=network_of_workshop,
    )
    user._servicelane_access = access
    return access


def forget_access(user: Any) -> None:
    """Drop the cached access after memberships change."""
    if hasattr(user, "_servicelane_access"):
        del user._servicelane_access


class WorkshopScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows how to narrow itself to what a user may see."""

    workshop_field = "workshop_id"

    def visible_to(self, user: Any, perm: Perm | None = None) -> "WorkshopScopedQuerySet[M]":
        access = access_for(user)
        ids = access.workshops_with(perm) if perm else access.visible_workshop_ids()
        return self.filter(**{f"{self.workshop_field}__in": ids})


class WorkshopOwned(models.Model):
    """Base of every record that belongs to one workshop."""

    workshop = models.ForeignKey(
        "core.Workshop", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = WorkshopScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Scopable(Protocol[M_co]):
    """A queryset that narrows itself to what a user may see (``WorkshopScopedQuerySet``
    and the querysets of records shared across workshops)."""

    def visible_to(self, user: Any, perm: Perm | None = None) -> models.QuerySet[M_co]: ...


def get_for_user(queryset: Scopable[M], user: Any, perm: Perm | None = None, **lookup: Any) -> M:
    """The record if the user may see it; otherwise 404, never a hint it exists."""
    try:
        return queryset.visible_to(user, perm).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        # ObjectDoesNotExist: the model's DoesNotExist.
        raise Http404(_("Not found.")) from exc
