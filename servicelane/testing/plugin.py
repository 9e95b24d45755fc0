"""The toolkit's plugin: what holds for every test of the suite. The root ``conftest.py``
loads it with the modules that define the shared fixtures."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

# Hashing is slow on purpose; the tests only need it to work. Set once, for the whole run
# (the live server of the browser tests and data built once per module included).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the default language: the locale middleware leaves the language
    of a test's last request active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
