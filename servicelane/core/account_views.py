"""The user's account pages: their API tokens, and a manager's view of the workshop's."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from servicelane.core.auth import api_token_issue, api_token_revoke, token_max_days
from servicelane.core.choices import TokenScope
from servicelane.core.permissions import Perm
from servicelane.core.selectors import (
    api_token_own,
    api_tokens_of,
    workshop_api_token,
    workshop_api_tokens,
)
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import submit


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the dealer system."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=TokenScope.choices, initial=TokenScope.READ_WRITE
    )
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = token_max_days()
        field = self.fields["expires_in_days"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = days
        field.validators.append(MaxValueValidator(days))
        field.widget.attrs["max"] = days
        field.help_text = _("At most %(days)d; empty for %(days)d.") % {"days": days}


@never_cache  # the page that shows a new token's value must not be kept anywhere
@login_required
def tokens(request: WorkshopRequest) -> HttpResponse:
    """The user's tokens that still open the API; creating one shows its value once."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST":
        done = submit(form, lambda data: api_token_issue(user=request.user, **data))
        if done.ok:
            token, raw = done.result
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    return render(
        request,
        "core/account/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": api_tokens_of(user=request.user),
            "can_manage": access_for(request.user).can(Perm.API_TOKENS_MANAGE),
        },
    )


@login_required
@require_POST
def token_revoke(request: WorkshopRequest, token_id: int) -> HttpResponse:
    token = api_token_own(user=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.label})
    return HttpResponseRedirect(reverse("account:tokens"))


@login_required
def workshop_tokens(request: WorkshopRequest) -> HttpResponse:
    """For managers: the tokens of the people of their workshops."""
    return render(
        request,
        "core/account/workshop_tokens.html",
        {"tokens": workshop_api_tokens(actor=request.user)},
    )


@login_required
@require_POST
def workshop_token_revoke(request: WorkshopRequest, token_id: int) -> HttpResponse:
    token = workshop_api_token(actor=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        _("The token “%(name)s” of %(user)s is revoked.")
        % {"name": token.label, "user": token.user},
    )
    return HttpResponseRedirect(reverse("account:workshop_tokens"))
