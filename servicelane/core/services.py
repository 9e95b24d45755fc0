"""Writes of core that other apps ask for: a technician's qualification on their
membership."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.models import Membership, User
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for

QUALIFICATION_FIELDS = ["level", "skills"]


@transaction.atomic
def membership_qualification_set(
    *, actor: User, membership: Membership, level: int | None, skills: Iterable[str]
) -> Membership:
    """A technician's qualification level (1 to 4, or none) and skills on their
    membership, set by whoever keeps the roster; the skills come checked against the
    roster's list. Audited when it changes anything."""
    access_for(actor).require(Perm.ROSTER_MANAGE, membership.workshop_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role != WorkshopRole.TECHNICIAN:
        raise ValidationError({"technician": [_("Not a technician of this workshop.")]})
    if level is not None and level not in QualificationLevel.values:
        raise ValidationError({"level": [_("Choose a qualification level.")]})
    before = snapshot(membership, QUALIFICATION_FIELDS)
    membership.level = level
    membership.skills = list(skills)
    membership.save(update_fields=QUALIFICATION_FIELDS)
    changes = diff(before, snapshot(membership, QUALIFICATION_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="technician_skills_set",
            target=membership,
            workshop_id=membership.workshop_id,
            changes=changes,
        )
    return membership
