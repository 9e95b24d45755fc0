from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from servicelane.core.apiutils import ERRORS
from servicelane.core.auth import api_token_issue, password_expired_message
from servicelane.core.models import Workshop
from servicelane.core.tenancy import access_for

router = Router(tags=["account"])


class TokenIn(Schema):
    email: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime | None


class MembershipOut(Schema):
    workshop: str
    workshop_name: str
    roles: list[str]


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    workshops: list[MembershipOut]
    network_roles: list[str]


@router.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS}, tags=["account"])
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange e-mail and password for a personal token (shown once)."""
    email = str(payload.email).lower()
    # Through authenticate(), so failed attempts are throttled like the login page's.
    authenticated = authenticate(request, username=email, password=payload.password)
    if authenticated is None:
        raise HttpError(401, _("E-mail address or password is wrong."))
    if authenticated.password_expired:
        reset = request.build_absolute_uri(reverse("password_reset"))
        raise HttpError(403, f"{password_expired_message()} {reset}")
    token, raw = api_token_issue(user=authenticated, name=payload.name)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> MeOut:
    """Who the token belongs to and where they work."""
    user = request.user
    access = access_for(user)
    workshops = Workshop.objects.in_bulk(list(access.workshop_roles))
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        language=user.language,
        workshops=[
            MembershipOut(
                workshop=workshops[w].code,
                workshop_name=workshops[w].name,
                roles=sorted(roles),
            )
            for w, roles in access.workshop_roles.items()
        ],
        network_roles=sorted({r for roles in access.network_roles.values() for r in roles}),
    )
