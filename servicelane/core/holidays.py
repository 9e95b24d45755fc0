"""Public holidays per country and subdivision, named in the reader's language: the one
calendar the workshops' opening days and the distribution centres' working days share."""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils.translation import get_language

# The holidays library names its translations by locale.
HOLIDAY_LANGUAGES = {"de": "de", "zh-hans": "zh_CN", "en": "en_US"}


def _known_subdivision(country: str, subdivision: str) -> str | None:
    """The subdivision when the holidays library knows it for the country: a region
    code it has no rules for (China's provinces) falls back to the national holidays."""
    known = holidays.list_supported_countries().get(country, [])
    return subdivision if subdivision in known else None


@lru_cache(maxsize=256)
def _holidays_of(country: str, subdivision: str, year: int, language: str) -> dict[dt.date, str]:
    subdiv = _known_subdivision(country, subdivision)
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError:
        return {}
    if language in calendar.supported_languages:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year, language=language)
    return dict(calendar.items())


def public_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    """Public holidays of a country (and subdivision), named in the active language."""
    language = HOLIDAY_LANGUAGES.get(get_language() or "en", "en_US")
    return _holidays_of(country.upper(), subdivision.upper(), year, language)


def holidays_supported(country: str, subdivision: str) -> bool:
    """Whether the workshop's public holidays are known (at least its country's)."""
    del subdivision  # an unknown region falls back to the country's holidays
    return country.upper() in holidays.list_supported_countries()
