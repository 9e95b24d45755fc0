"""The demo's people: the network staff, one account per role in each workshop and two
more technicians (the newcomer and the senior), all sharing one password."""

from django.contrib.auth.hashers import make_password

from servicelane.core.choices import NetworkRole, QualificationLevel, WorkshopRole
from servicelane.core.models import Membership, Network, NetworkMembership, User, Workshop
from servicelane.demo import data

NETWORK_STAFF = [
    ("admin@network.demo", "Network Admin", NetworkRole.NETWORK_ADMIN, True),
    ("support@network.demo", "Network Support", NetworkRole.NETWORK_SUPPORT, False),
]

EXTRA_TECHNICIANS = {
    "freiburg": [
        ("senior-technician", "Katrin Vogel", QualificationLevel.SENIOR),
        ("junior-technician", "Niklas Braun", QualificationLevel.INDUCTION),
    ],
    "beijing": [
        ("senior-technician", "孙丽", QualificationLevel.SENIOR),
        ("junior-technician", "周鹏", QualificationLevel.INDUCTION),
    ],
}


def staff_email(role: str, workshop_key: str) -> str:
    return f"{role.replace('_', '-')}@{workshop_key}.demo"


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every demo account, in the order they are printed."""
    logins = []
    for workshop in data.WORKSHOPS:
        for role in WorkshopRole:
            logins.append(
                (staff_email(role.value, workshop["key"]), f"{role.label} · {workshop['name']}")
            )
    for email, _name, network_role, _admin in NETWORK_STAFF:
        logins.append((email, str(NetworkRole(network_role).label)))
    return logins


class Accounts:
    """Creates the demo's users. One hash for all of them: hashing is slow on purpose,
    and they share a password."""

    def __init__(self, password: str) -> None:
        self.password = password
        self._hash = ""

    @property
    def password_hash(self) -> str:
        if not self._hash:
            self._hash = make_password(self.password)
        return self._hash

    def user(self, email: str, name: str, language: str, **extra: object) -> User:
        user = User(
            email=email, full_name=name, language=language, password=self.password_hash, **extra
        )
        user.save()
        return user

    def network_staff(self, network: Network) -> None:
        for email, name, role, admin in NETWORK_STAFF:
            user = self.user(email, name, "en", is_staff=admin, is_superuser=admin)
            NetworkMembership.objects.create(user=user, network=network, role=role)

    def workshop_staff(self, workshop: Workshop, key: str) -> None:
        """One account per role, named after the workshop's people."""
        for role in WorkshopRole:
            user = self.user(
                staff_email(role.value, key),
                data.STAFF_NAMES[key][role.value],
                workshop.default_language,
            )
            Membership.objects.create(user=user, workshop=workshop, role=role)

    def technicians(self, workshop: Workshop, key: str) -> None:
        """The technician of the roles is a qualified technician; a senior and a newcomer
        join them."""
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN).update(
            level=QualificationLevel.TECHNICIAN
        )
        for local, name, level in EXTRA_TECHNICIANS[key]:
            user = User.objects.create(
                email=f"{local}@{key}.demo",
                full_name=name,
                language=workshop.default_language,
                password=self.password_hash,
            )
            Membership.objects.create(
                user=user, workshop=workshop, role=WorkshopRole.TECHNICIAN, level=level
            )


def staff_member(workshop: Workshop, role: str) -> User:
    """The workshop's member in ``role`` (the first in the memberships' order)."""
    return Membership.objects.filter(workshop=workshop, role=role).select_related("user")[0].user


def first_staff(workshop: Workshop, role: str) -> User | None:
    """The workshop's first member in ``role`` by creation, if any."""
    membership = (
        Membership.objects.filter(workshop=workshop, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None
