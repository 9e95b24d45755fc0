from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import ApiToken, Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.registry import kpis
from servicelane.core.schema_types import MAX_DB_ID
from servicelane.core.tenancy import access_for


def dashboard_figures(*, user: Any, workshop: Workshop | None) -> dict[str, Any]:
    """Counts for the overview page, limited to what the user may see: each figure the
    apps registered (``core.registry.kpis``)."""
    return {name: count(user=user) for name, count in kpis.items()}


def workshop_advisors(workshop: Workshop) -> QuerySet[User]:
    """The service advisors of a workshop, by name."""
    return User.objects.filter(
        memberships__workshop=workshop, memberships__role=WorkshopRole.ADVISOR
    ).order_by("full_name", "email")


def workshop_technicians(workshop: Workshop) -> list[Membership]:
    """The workshop's technicians with their level and skills, senior first."""
    return list(
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN)
        .select_related("user")
        .order_by("-level", "user__full_name")
    )


def workshop_technician_get(workshop: Workshop, technician_id: int) -> Membership:
    """A technician of the workshop by user id; 404 for anyone else."""
    try:
        return Membership.objects.select_related("user").get(
            workshop=workshop, user_id=technician_id, role=WorkshopRole.TECHNICIAN
        )
    except (
        Membership.DoesNotExist,
        Membership.MultipleObjectsReturned,
        ValueError,
        TypeError,
        OverflowError,  # an id no row can have
    ):
        raise Http404(_("Not found.")) from None


def workshop_technician_named(
    workshop: Workshop, technician_id: int, field: str = "technician_id"
) -> Membership:
    """A technician of the workshop named in a request body; anyone else is an error on
    that field (not a 404: the request itself was found)."""
    membership = (
        Membership.objects.select_related("user")
        .filter(workshop=workshop, user_id=technician_id, role=WorkshopRole.TECHNICIAN)
        .first()
    )
    if membership is None:
        raise ValidationError({field: [_("Not a technician of this workshop.")]})
    return membership


def _opening(tokens: QuerySet[ApiToken]) -> list[ApiToken]:
    """Only the tokens that still open the API; the others are history."""
    now = timezone.now()
    live = tokens.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return [t for t in live.select_related("user") if t.opens_for(t.user)]


def api_tokens_of(*, user: User) -> list[ApiToken]:
    """The user's own tokens that still open the API, newest first."""
    return _opening(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def api_token_own(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens, else 404."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first() if _db_id(token_id) else None
    if token is None:
        raise Http404(_("Not found."))
    return token


def _managed_tokens(actor: User) -> QuerySet[ApiToken]:
    """Tokens of people working in a workshop where ``actor`` manages tokens, except
    network staff's and the configuration's superusers'."""
    workshops = access_for(actor).workshops_with(Perm.API_TOKENS_MANAGE)
    if not workshops:
        raise PermissionDenied(_("Your role does not allow this."))
    users = (
        User.objects.filter(memberships__workshop_id__in=workshops)
        .exclude(is_superuser=True)
        .exclude(network_memberships__isnull=False)
    )
    return ApiToken.objects.filter(user__in=users)


def workshop_api_tokens(*, actor: User) -> list[ApiToken]:
    """The tokens of the actor's workshops' people that still open the API."""
    return _opening(_managed_tokens(actor).order_by("user__email", "-created_at", "-id"))


def workshop_api_token(*, actor: User, token_id: int) -> ApiToken:
    """A token the actor may revoke as a manager, else 404."""
    token = _managed_tokens(actor).filter(pk=token_id).first() if _db_id(token_id) else None
    if token is None:
        raise Http404(_("Not found."))
    return token


def _db_id(value: int) -> bool:
    return 0 < value <= MAX_DB_ID
