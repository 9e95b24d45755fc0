"""What a refusal looks like: a service's ValidationError in words, an API's 403 or 404 with
its reason in the JSON ``detail``."""

import pytest
from django.http import HttpResponse


def refusal(excinfo: pytest.ExceptionInfo) -> str:
    """The words of a refused service call (``pytest.raises(ValidationError)``)."""
    return " ".join(excinfo.value.messages)


def assert_refused(response: HttpResponse, status: int, detail: str | None = None) -> str:
    """The API refused with ``status`` (403: the role may not; 404: not there, or not the
    user's to see) and said why in JSON: exactly ``detail`` when given. Returns the reason."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    reason = response.json()["detail"]
    assert reason
    if detail is not None:
        assert reason == detail
    return reason
