"""The suite's day: Monday 2026-11-23, 07:00 in Freiburg (CET) and 14:00 in Beijing. Apps whose
tests all run on it pin it with an autouse fixture of their conftest; a module opts in with
``pytest.mark.usefixtures("pinned_now")``."""

import datetime as dt
from pathlib import Path

import pytest

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


@pytest.fixture
def pinned_now(time_machine) -> dt.datetime:
    """The clock stands at NOW (requested first, users and tokens are made at NOW too)."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def media_in_tmp(settings, tmp_path) -> Path:
    """Photos and PDFs written by a test stay in its own directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
