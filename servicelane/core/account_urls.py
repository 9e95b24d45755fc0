from django.urls import path

from servicelane.core import account_views as views

app_name = "account"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("workshop-tokens/", views.workshop_tokens, name="workshop_tokens"),
    path(
        "workshop-tokens/<int:token_id>/revoke/",
        views.workshop_token_revoke,
        name="workshop_token_revoke",
    ),
]
