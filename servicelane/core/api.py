from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, ErrorOut, Pagination
from servicelane.core.auth import api_token_issue, api_token_revoke, password_expired_message
from servicelane.core.choices import TokenScope
from servicelane.core.models import ApiToken, Workshop
from servicelane.core.schema_types import EmailText, Password
from servicelane.core.selectors import (
    api_token_own,
    api_tokens_of,
    workshop_api_token,
    workshop_api_tokens,
)
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest

router = Router(tags=["account"])


class TokenIn(Schema):
    email: EmailText
    password: Password
    name: str = Field("", max_length=100)
    scope: TokenScope = Field(
        TokenScope.READ_WRITE, description="read_only tokens may only read (GET)."
    )


class TokenOut(Schema):
    token: str
    expires_at: datetime | None
    scope: TokenScope


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scope: TokenScope = TokenScope.READ_WRITE
    expires_in_days: int | None = Field(
        None, ge=1, description="At most API_TOKEN_TTL_DAYS; by default exactly that."
    )


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after sl_, to tell tokens apart.")
    scope: TokenScope
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(description="The token itself; shown this once, never again.")


class WorkshopApiTokenOut(ApiTokenOut):
    user_email: str
    user_name: str

    @staticmethod
    def resolve_user_email(obj: ApiToken) -> str:
        return obj.user.email

    @staticmethod
    def resolve_user_name(obj: ApiToken) -> str:
        return obj.user.full_name


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


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, **ERRORS, 429: ErrorOut}, tags=["account"]
)
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
    token, raw = api_token_issue(user=authenticated, name=payload.name, scope=payload.scope)
    return Status(200, {"token": raw, "expires_at": token.expires_at, "scope": token.scope})


@router.get("/auth/tokens", response={200: list[ApiTokenOut], **ERRORS})
def tokens_list(request: ApiRequest) -> list[ApiToken]:
    """Your tokens that still open the API (a new password or expiry ends them)."""
    return api_tokens_of(user=request.user)


@router.post("/auth/tokens", response={201: ApiTokenCreatedOut, **ERRORS})
def tokens_create(request: ApiRequest, payload: ApiTokenIn) -> Status:
    """Create a named token, read-only or read and write; its value is shown once."""
    token, raw = api_token_issue(
        user=request.user,
        name=payload.name,
        scope=payload.scope,
        expires_in_days=payload.expires_in_days,
    )
    shown = ApiTokenOut.from_orm(token).model_dump()
    return Status(201, ApiTokenCreatedOut(**shown, token=raw))


@router.delete("/auth/tokens/{int:token_id}", response={204: None, **ERRORS})
def tokens_revoke(request: ApiRequest, token_id: int) -> Status:
    """Revoke one of your tokens."""
    token = api_token_own(user=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    return Status(204, None)


@router.get("/auth/workshop-tokens", response={200: list[WorkshopApiTokenOut], **ERRORS})
@paginate(Pagination)
def workshop_tokens_list(request: ApiRequest) -> list[ApiToken]:
    """For workshop managers: the tokens of their workshops' people (not network staff's)."""
    return workshop_api_tokens(actor=request.user)


@router.delete("/auth/workshop-tokens/{int:token_id}", response={204: None, **ERRORS})
def workshop_tokens_revoke(request: ApiRequest, token_id: int) -> Status:
    """For workshop managers: revoke a token of one of their workshops' people."""
    token = workshop_api_token(actor=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: ApiRequest) -> MeOut:
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
