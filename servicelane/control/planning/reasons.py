"""Why a job was not placed, in words: the planner's reason codes (``day.Code``) and
the ones the app adds before it (``PARTS_UNKNOWN``) as sentences in the active language."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from servicelane.control.choices import Equipment, Skill
from servicelane.control.planning.day import Code
from servicelane.control.planning.workshop import PARTS_UNKNOWN
from servicelane.core.choices import QualificationLevel


def _list(values: list[str]) -> str:
    return ", ".join(values)


def _hm(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    return _("%(m)s min") % {"m": rest}


@dataclass(frozen=True)
class _Reason:
    """A reason's parameters and the run's result, read the way the sentences name them."""

    params: dict[str, Any]
    result: dict[str, Any]

    def level(self) -> str:
        try:
            return str(QualificationLevel(int(self.params["level"])).label)
        except (KeyError, TypeError, ValueError):
            return str(self.params.get("level"))

    def skills(self) -> str:
        labels = dict(Skill.choices)
        return _list([str(labels.get(s, s)) for s in self.params.get("skills", [])])

    def equipment(self) -> str:
        labels = dict(Equipment.choices)
        return _list([str(labels.get(e, e)) for e in self.params.get("equipment", [])])

    def tools(self) -> str:
        return _list([str(t) for t in self.params.get("tools", [])])

    def minutes(self, key: str) -> str:
        return _hm(self.params.get(key, 0))

    def clock_time(self, key: str) -> str:
        # The origin carries the workshop's offset: the time reads as on the workshop clock.
        origin = dt.datetime.fromisoformat(self.result["origin"])
        return (origin + dt.timedelta(minutes=int(self.params.get(key, 0)))).strftime("%H:%M")

    def name(self, kind: str, key: str) -> str:
        """A technician's name or a bay's code as the run kept it; "" when unknown."""
        names = self.result.get("names", {}).get(kind, {})
        return str(names.get(str(self.params.get(key)), ""))


def _no_level(r: _Reason) -> str:
    return _("No technician on shift has the level “%(level)s” or above.") % {"level": r.level()}


def _no_skills(r: _Reason) -> str:
    return _("No technician on shift has these skills: %(skills)s.") % {"skills": r.skills()}


def _no_level_with_skills(r: _Reason) -> str:
    return _(
        "No technician on shift of level “%(level)s” or above has these skills: %(skills)s."
    ) % {"level": r.level(), "skills": r.skills()}


def _no_equipment(r: _Reason) -> str:
    return _("No bay has the equipment it needs: %(equipment)s.") % {"equipment": r.equipment()}


def _no_tool(r: _Reason) -> str:
    return _("The tools room has no usable copy of the special tool %(tools)s.") % {
        "tools": r.tools()
    }


def _no_shift(r: _Reason) -> str:
    return _("No qualified technician works for the rest of the day.")


def _too_long(r: _Reason) -> str:
    return _(
        "It takes %(duration)s, longer than any working stretch of a qualified "
        "technician (the longest is %(longest)s)."
    ) % {"duration": r.minutes("duration"), "longest": r.minutes("longest")}


def _release_too_late(r: _Reason) -> str:
    return _(
        "Its parts arrive at %(release)s, after the last start a qualified "
        "technician's hours allow (%(latest)s)."
    ) % {"release": r.clock_time("release"), "latest": r.clock_time("latest_start")}


def _unknown_technician(r: _Reason) -> str:
    return _("%(technician)s, who works on it, is not on shift.") % {
        "technician": r.name("technicians", "technician") or _("The technician")
    }


def _unknown_bay(r: _Reason) -> str:
    return _("The bay it is in (%(bay)s) is not in use.") % {"bay": r.name("bays", "bay") or "?"}


def _fixed_unqualified(r: _Reason) -> str:
    return _(
        "It stays with %(technician)s, who started it, but lacks the level or skills it needs."
    ) % {"technician": r.name("technicians", "technician")}


def _no_capacity(r: _Reason) -> str:
    return _(
        "No room left: the qualified technicians, bays or tools are booked until the "
        "end of their shifts."
    )


def _parts_unknown(r: _Reason) -> str:
    return _("It waits for parts that have no arrival date yet.")


# One sentence per code.
SENTENCES: dict[str, Callable[[_Reason], str]] = {
    Code.NO_LEVEL: _no_level,
    Code.NO_SKILLS: _no_skills,
    Code.NO_LEVEL_WITH_SKILLS: _no_level_with_skills,
    Code.NO_EQUIPMENT: _no_equipment,
    Code.NO_TOOL: _no_tool,
    Code.NO_SHIFT: _no_shift,
    Code.TOO_LONG: _too_long,
    Code.RELEASE_TOO_LATE: _release_too_late,
    Code.UNKNOWN_TECHNICIAN: _unknown_technician,
    Code.UNKNOWN_BAY: _unknown_bay,
    Code.FIXED_UNQUALIFIED: _fixed_unqualified,
    Code.NO_CAPACITY: _no_capacity,
    PARTS_UNKNOWN: _parts_unknown,
}


def reason_text(code: str, params: dict[str, Any], result: dict[str, Any]) -> str:
    """Why a job was not placed, as a sentence in the active language."""
    sentence = SENTENCES.get(code)
    if sentence is None:
        return str(code)
    return sentence(_Reason(dict(params or {}), result))
