"""The catalogue import: a CSV of any length, streamed in batches.

Memory stays flat whatever the file's length: rows are read, compared with the
catalogue and written batch by batch (bulk inserts and updates). Only the
supersessions that change something are kept until the end of the file, because a
row may name a successor that comes later; they are checked for loops together and
applied last. See docs/parts.md for the columns.
"""

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.models import Network
from servicelane.parts import numbers
from servicelane.parts.choices import Unit
from servicelane.parts.fts import SQLITE_OPTIMIZE
from servicelane.parts.models import Fitment, Part, PartGroup, PartPrice
from servicelane.vehicles.selectors import vehicle_type_ids_by_code

BATCH_SIZE = 2000
# After this many changed rows the planner's statistics (and SQLite's full-text index
# segments) are refreshed, so the first searches after a large import are fast.
ANALYSE_FROM = 10_000
LOOKUP_CHUNK = 1000
MAX_ERRORS_KEPT = 10_000
NAME_LENGTH = 200
PRICE_COLUMN = re.compile(r"^price_([A-Za-z]{2})_([A-Za-z]{3})$")
PRICE_VALUE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
GROUP_LANGUAGES = ("en", "de", "zh_hans")
KNOWN_COLUMNS = {
    "number",
    "name_en",
    "name_de",
    "name_zh_hans",
    "main_group",
    "subgroup",
    "unit",
    "superseded_by",
    "fits",
    *(f"{level}_name_{lang}" for level in ("main_group", "subgroup") for lang in GROUP_LANGUAGES),
}
REQUIRED_COLUMNS = ("number", "name_en")
PART_FIELDS = ["name_en", "name_de", "name_zh_hans", "group_id", "unit", "search_text"]
UNITS = frozenset(Unit.values)
_ABSENT = object()  # a column the file does not have: that value stays as it is


@dataclass(frozen=True)
class RowError:
    line: int
    number: str
    reason: str
    # A refused supersession: the row's other values were imported.
    supersession: bool = False

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line}
        return (
            f"{where} ({self.number}): {self.reason}" if self.number else f"{where}: {self.reason}"
        )


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    supersessions_refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_not_kept: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        if error.supersession:
            self.supersessions_refused += 1
        else:
            self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)
        else:
            self.errors_not_kept += 1

    def summary(self) -> str:
        line = _(
            "%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s "
            "unchanged, %(rejected)s rejected."
        ) % vars(self)
        if self.supersessions_refused:
            line += " " + _("%(count)s supersessions refused.") % {
                "count": self.supersessions_refused
            }
        return line


class RowRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Row:
    line: int
    number: str
    names: dict[str, Any]
    unit: Any
    group_id: Any
    prices: Any  # {country: (currency, price or None)} or _ABSENT
    fits: Any  # set of vehicle type ids or _ABSENT
    successor: Any  # number, None or _ABSENT


@dataclass
class PendingSupersession:
    line: int
    successor: str | None
    before: str | None  # the successor in the catalogue before the import


class GroupCache:
    """The network's groups by code; new ones are created as rows name them."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.groups = {g.code: g for g in PartGroup.objects.filter(network=network)}

    def resolve(self, row: dict[str, str]) -> int | None:
        main_code, sub_code = row.get("main_group", ""), row.get("subgroup", "")
        if not main_code and not sub_code:
            return None
        main = self._main(main_code, row) if main_code else None
        if not sub_code:
            return main.pk if main else None
        sub = self.groups.get(sub_code)
        if sub is None:
            if main is None:
                raise RowRejected(
                    _("subgroup %(code)s is new and needs its main_group.") % {"code": sub_code}
                )
            sub = self._create(sub_code, "subgroup", row, parent=main)
        elif sub.parent_id is None:
            raise RowRejected(_("%(code)s is a main group, not a subgroup.") % {"code": sub_code})
        elif main is not None and sub.parent_id != main.pk:
            raise RowRejected(
                _("subgroup %(code)s belongs to main group %(main)s, not %(given)s.")
                % {"code": sub_code, "main": self._code_of(sub.parent_id), "given": main_code}
            )
        else:
            self._rename(sub, "subgroup", row)
        return sub.pk

    def _main(self, code: str, row: dict[str, str]) -> PartGroup:
        group = self.groups.get(code)
        if group is None:
            return self._create(code, "main_group", row, parent=None)
        if group.parent_id is not None:
            raise RowRejected(_("%(code)s is a subgroup, not a main group.") % {"code": code})
        self._rename(group, "main_group", row)
        return group

    def _names(self, level: str, row: dict[str, str]) -> dict[str, str]:
        return {
            f"name_{lang}": row[f"{level}_name_{lang}"][:NAME_LENGTH]
            for lang in GROUP_LANGUAGES
            if row.get(f"{level}_name_{lang}")
        }

    def _create(self, code: str, level: str, row: dict[str, str], parent: Any) -> PartGroup:
        if len(code) > 20:
            raise RowRejected(
                _("group code %(code)s is longer than 20 characters.") % {"code": code}
            )
        names = {"name_en": code, **self._names(level, row)}
        group = PartGroup.objects.create(network=self.network, code=code, parent=parent, **names)
        self.groups[code] = group
        return group

    def _rename(self, group: PartGroup, level: str, row: dict[str, str]) -> None:
        names = self._names(level, row)
        changed = {k: v for k, v in names.items() if getattr(group, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(group, key, value)
            group.save(update_fields=list(changed))

    def _code_of(self, group_id: int) -> str:
        return next((g.code for g in self.groups.values() if g.pk == group_id), "?")


class CatalogueImport:
    def __init__(
        self,
        *,
        network: Network,
        progress: Callable[[int], Any] | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.network = network
        self.progress = progress
        self.batch_size = batch_size or BATCH_SIZE
        self.result = ImportResult()
        self.pending: dict[str, PendingSupersession] = {}
        # Existing parts counted as updated for their supersession alone: unchanged after
        # all when it is refused (a file importing the same loop again changes nothing).
        self.supersession_only: set[str] = set()
        self.types = {
            code.upper(): pk for code, pk in vehicle_type_ids_by_code(network_id=network.pk).items()
        }
        self.groups = GroupCache(network)

    # ------------------------------------------------------------ reading

    def run(self, source: str | Path | IO[str]) -> ImportResult:
        with _opened(source) as stream:
            reader = csv.reader(stream)
            header = self._header(next(reader, None))
            batch: list[Row] = []
            read = 0
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                read += 1
                row = self._parse(reader.line_num, header, values)
                if row is not None:
                    batch.append(row)
                if read >= self.batch_size:
                    self._write(batch)
                    self._done(read)
                    batch, read = [], 0
            if batch or read:
                self._write(batch)
                self._done(read)
        self._supersessions()
        if self.result.created + self.result.updated >= ANALYSE_FROM:
            _refresh_statistics()
        return self.result

    def _done(self, rows: int) -> None:
        # With DEBUG on, Django keeps the last 9,000 statements: bulk inserts are long.
        reset_queries()
        self.result.rows += rows
        if self.progress is not None:
            self.progress(rows)

    def _header(self, header: list[str] | None) -> list[str]:
        if not header:
            raise ValidationError(_("The file is empty: a header row is expected."))
        names = [h.strip() for h in header]
        names[0] = names[0].removeprefix("\ufeff")
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise ValidationError(
                _("The header lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        doubled = sorted({n for n in names if n and names.count(n) > 1})
        if doubled:
            raise ValidationError(
                _("The header names a column twice: %(columns)s.") % {"columns": ", ".join(doubled)}
            )
        self.price_columns: dict[str, tuple[str, str]] = {}
        countries: dict[str, str] = {}
        for name in names:
            match = PRICE_COLUMN.match(name)
            if match:
                country, currency = match.group(1).upper(), match.group(2).upper()
                if country in countries:
                    raise ValidationError(
                        _("Two price columns for %(country)s: %(first)s and %(second)s.")
                        % {"country": country, "first": countries[country], "second": name}
                    )
                countries[country] = name
                self.price_columns[name] = (country, currency)
            elif name and name not in KNOWN_COLUMNS:
                self.result.ignored_columns.append(name)
        self.columns = set(names)
        return names

    def _parse(self, line: int, header: list[str], values: list[str]) -> Row | None:
        raw = dict(zip(header, (v.strip() for v in values), strict=False))
        number = numbers.normalise(raw.get("number"))
        try:
            if len(values) > len(header):
                raise RowRejected(_("more fields than the header has."))
            if not number:
                raise RowRejected(_("the part number is empty."))
            if len(number) > numbers.MAX_LENGTH:
                raise RowRejected(
                    _("the part number is longer than %(max)s characters.")
                    % {"max": numbers.MAX_LENGTH}
                )
            names = self._names(raw)
            unit = self._unit(raw)
            prices = self._prices(raw)
            fits = self._fits(raw)
            successor: Any = _ABSENT
            if "superseded_by" in self.columns:
                successor = numbers.normalise(raw.get("superseded_by")) or None
            group_id: Any = _ABSENT
            if "main_group" in self.columns or "subgroup" in self.columns:
                group_id = self.groups.resolve(raw)
        except RowRejected as exc:
            self.result.add_error(RowError(line, number, exc.reason))
            return None
        return Row(line, number, names, unit, group_id, prices, fits, successor)

    def _names(self, raw: dict[str, str]) -> dict[str, Any]:
        if not raw.get("name_en"):
            raise RowRejected(_("name_en is empty."))
        names: dict[str, Any] = {}
        for column in ("name_en", "name_de", "name_zh_hans"):
            if column in self.columns:
                value = raw.get(column, "")
                if len(value) > NAME_LENGTH:
                    raise RowRejected(
                        _("%(column)s is longer than %(max)s characters.")
                        % {"column": column, "max": NAME_LENGTH}
                    )
                names[column] = value
        return names

    def _unit(self, raw: dict[str, str]) -> Any:
        if "unit" not in self.columns:
            return _ABSENT
        value = raw.get("unit", "").lower()
        if not value:
            return Unit.PIECE.value
        if value not in UNITS:
            raise RowRejected(
                _("unknown unit “%(unit)s” (known: %(known)s).")
                % {"unit": value, "known": ", ".join(Unit.values)}
            )
        return value

    def _prices(self, raw: dict[str, str]) -> Any:
        if not self.price_columns:
            return _ABSENT
        prices: dict[str, tuple[str, Decimal | None]] = {}
        for column, (country, currency) in self.price_columns.items():
            value = raw.get(column, "")
            if not value:
                prices[country] = (currency, None)
                continue
            if value.startswith("-"):
                try:
                    Decimal(value)
                except InvalidOperation:
                    pass
                else:
                    raise RowRejected(
                        _("negative price %(value)s in %(column)s.")
                        % {"value": value, "column": column}
                    )
            if not PRICE_VALUE.match(value):
                raise RowRejected(
                    _("malformed price “%(value)s” in %(column)s (expected e.g. 12.50).")
                    % {"value": value, "column": column}
                )
            prices[country] = (currency, Decimal(value).quantize(Decimal("0.01")))
        return prices

    def _fits(self, raw: dict[str, str]) -> Any:
        if "fits" not in self.columns:
            return _ABSENT
        ids = set()
        for code in (c.strip() for c in raw.get("fits", "").split("|")):
            if not code:
                continue
            type_id = self.types.get(code.upper())
            if type_id is None:
                raise RowRejected(_("unknown vehicle type code %(code)s.") % {"code": code})
            ids.add(type_id)
        return ids

    # ------------------------------------------------------------ writing

    def _write(self, rows: list[Row]) -> None:
        rows = self._without_repeats(rows)
        if not rows:
            return
        existing = {
            rec["number"]: rec
            for rec in Part.objects.filter(
                network=self.network, number__in=[r.number for r in rows]
            ).values("id", "number", *PART_FIELDS, "superseded_by__number")
        }
        ids = [rec["id"] for rec in existing.values()]
        prices = self._current_prices(ids)
        fits = self._current_fits(ids)
        now = timezone.now()
        new_parts: list[tuple[Row, Part]] = []
        changed_parts: list[Part] = []
        plan = _Plan()
        for row in rows:
            rec = existing.get(row.number)
            if rec is None:
                part = Part(network=self.network, number=row.number, unit=Unit.PIECE)
                self._apply(part, row)
                new_parts.append((row, part))
                self.result.created += 1
                if row.successor not in (_ABSENT, None):
                    self.pending[row.number] = PendingSupersession(row.line, row.successor, None)
                continue
            part = Part(id=rec["id"], network=self.network, number=row.number)
            for name in PART_FIELDS:
                setattr(part, name, rec[name])
            self._apply(part, row)
            changed = any(getattr(part, name) != rec[name] for name in PART_FIELDS)
            if changed:
                part.updated_at = now
                changed_parts.append(part)
            changed |= plan.prices(rec["id"], row.prices, prices.get(rec["id"], {}))
            changed |= plan.fits(rec["id"], row.fits, fits.get(rec["id"], set()))
            before = rec["superseded_by__number"]
            if row.successor is not _ABSENT and row.successor != before:
                self.pending[row.number] = PendingSupersession(row.line, row.successor, before)
                if not changed:
                    self.supersession_only.add(row.number)
                changed = True
            if changed:
                self.result.updated += 1
            else:
                self.result.unchanged += 1
        with transaction.atomic():
            self._insert_parts([part for _, part in new_parts], now)
            for row, part in new_parts:
                plan.prices(part.pk, row.prices, {})
                plan.fits(part.pk, row.fits, set())
            Part.objects.bulk_update(changed_parts, [*PART_FIELDS, "updated_at"], batch_size=500)
            plan.save()

    def _insert_parts(self, parts: list[Part], now: Any) -> None:
        """Plain multi-row inserts (Django's bulk_create spends most of an import building
        SQL), then the new ids by number."""
        if not parts:
            return
        updated_at = Part._meta.get_field("updated_at").get_db_prep_save(now, connection)
        _insert(
            "parts_part",
            ["network_id", "number", "name_en", "name_de", "name_zh_hans", "group_id", "unit",
             "search_text", "updated_at"],
            [(self.network.pk, p.number, p.name_en, p.name_de, p.name_zh_hans, p.group_id,
              p.unit, p.search_text, updated_at) for p in parts],
        )  # fmt: skip
        ids = dict(
            Part.objects.filter(
                network=self.network, number__in=[p.number for p in parts]
            ).values_list("number", "id")
        )
        for part in parts:
            part.pk = ids[part.number]

    def _without_repeats(self, rows: list[Row]) -> list[Row]:
        first: dict[str, int] = {}
        kept = []
        for row in rows:
            if row.number in first:
                self.result.add_error(
                    RowError(
                        row.line,
                        row.number,
                        _("the number appears again (first on line %(line)s).")
                        % {"line": first[row.number]},
                    )
                )
                continue
            first[row.number] = row.line
            kept.append(row)
        return kept

    def _apply(self, part: Part, row: Row) -> None:
        for name, value in row.names.items():
            setattr(part, name, value)
        if row.unit is not _ABSENT:
            part.unit = row.unit
        if row.group_id is not _ABSENT:
            part.group_id = row.group_id
        part.search_text = part.build_search_text()

    def _current_prices(self, ids: list[int]) -> dict[int, dict[str, tuple[int, str, Decimal]]]:
        found: dict[int, dict[str, tuple[int, str, Decimal]]] = {}
        if not ids or not self.price_columns:
            return found
        for pk, part_id, country, currency, price in PartPrice.objects.filter(
            part_id__in=ids
        ).values_list("id", "part_id", "country", "currency", "price"):
            found.setdefault(part_id, {})[country] = (pk, currency, price)
        return found

    def _current_fits(self, ids: list[int]) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        if not ids or "fits" not in self.columns:
            return found
        for part_id, type_id in Fitment.objects.filter(part_id__in=ids).values_list(
            "part_id", "vehicle_type_id"
        ):
            found.setdefault(part_id, set()).add(type_id)
        return found

    # ------------------------------------------------------------ supersessions

    def _supersessions(self) -> None:
        """Check the changed supersessions of the whole file together, then apply them."""
        if not self.pending:
            return
        refused: dict[str, str] = {}
        successors = {p.successor for p in self.pending.values() if p.successor}
        known = self._successors_in_catalogue(successors - set(self.pending))
        for number, pending in self.pending.items():
            if pending.successor == number:
                refused[number] = _("a part cannot replace itself.")
            elif (
                pending.successor
                and pending.successor not in known
                and pending.successor not in self.pending
            ):
                refused[number] = _("superseded_by names an unknown part number %(number)s.") % {
                    "number": pending.successor
                }
        # Follow every chain through the file's supersessions and the catalogue's.
        while True:
            graph = {
                n: (p.before if n in refused else p.successor) for n, p in self.pending.items()
            }
            self._extend(graph, known)
            loops = _loops(graph, (n for n in self.pending if n not in refused))
            newly = 0
            for loop in loops:
                message = _("supersession loop %(chain)s.") % {"chain": " → ".join(loop)}
                for number in loop[:-1]:
                    if number in self.pending and number not in refused:
                        refused[number] = message
                        newly += 1
            if not newly:
                break  # no loop, or only one the catalogue had before (left as it was)
        for number, reason in sorted(refused.items(), key=lambda item: self.pending[item[0]].line):
            pending = self.pending[number]
            self.result.add_error(
                RowError(
                    pending.line,
                    number,
                    _("imported without its supersession: %(reason)s") % {"reason": reason},
                    supersession=True,
                )
            )
        unchanged_after_all = len(self.supersession_only & set(refused))
        self.result.updated -= unchanged_after_all
        self.result.unchanged += unchanged_after_all
        accepted = [(n, p.successor) for n, p in self.pending.items() if n not in refused]
        now = timezone.now()
        for start in range(0, len(accepted), LOOKUP_CHUNK):
            chunk = accepted[start : start + LOOKUP_CHUNK]
            wanted = {n for n, _s in chunk} | {s for _n, s in chunk if s}
            ids = dict(
                Part.objects.filter(network=self.network, number__in=wanted).values_list(
                    "number", "id"
                )
            )
            parts = [
                Part(id=ids[n], superseded_by_id=ids[s] if s else None, updated_at=now)
                for n, s in chunk
            ]
            with transaction.atomic():
                Part.objects.bulk_update(parts, ["superseded_by", "updated_at"], batch_size=500)
        self.pending = {}
        self.supersession_only = set()

    def _successors_in_catalogue(self, wanted: set[str]) -> dict[str, str | None]:
        """number → its successor in the catalogue, for the numbers that exist."""
        found: dict[str, str | None] = {}
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), LOOKUP_CHUNK):
            found.update(
                Part.objects.filter(
                    network=self.network, number__in=wanted_list[start : start + LOOKUP_CHUNK]
                ).values_list("number", "superseded_by__number")
            )
        return found

    def _extend(self, graph: dict[str, str | None], known: dict[str, str | None]) -> None:
        """Add the catalogue's successors of every number the chains reach."""
        frontier = {s for s in graph.values() if s and s not in graph}
        while frontier:
            missing = {n for n in frontier if n not in known}
            if missing:
                known.update(self._successors_in_catalogue(missing))
            following = set()
            for number in frontier:
                successor = known.get(number)
                graph[number] = successor
                if successor and successor not in graph:
                    following.add(successor)
            frontier = following


def _refresh_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_OPTIMIZE)
            for statement in (
                "ANALYZE parts_part",
                "ANALYZE parts_partprice",
                "ANALYZE parts_fitment",
            ):
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE parts_part, parts_partprice, parts_fitment")


def _loops(graph: dict[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """Every loop reached from ``starts`` in a map number → successor, each as
    ``[a, b, …, a]``; each number is walked once."""
    done: set[str] = set()
    loops = []
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        number: str | None = start
        while number is not None and number not in done:
            if number in position:
                loops.append([*path[position[number] :], number])
                break
            position[number] = len(path)
            path.append(number)
            number = graph.get(number)
        done.update(path)
    return loops


class _Plan:
    """Price and fitment rows to write for one batch."""

    def __init__(self) -> None:
        self.new_prices: list[tuple[int, str, str, Decimal]] = []
        self.changed_prices: list[PartPrice] = []
        self.gone_prices: list[int] = []
        self.new_fits: list[tuple[int, int]] = []
        self.gone_fits: list[tuple[int, int]] = []

    def prices(
        self, part_id: int, wanted: Any, current: dict[str, tuple[int, str, Decimal]]
    ) -> bool:
        if wanted is _ABSENT:
            return False
        changed = False
        for country, (currency, price) in wanted.items():
            now = current.get(country)
            if price is None:
                if now is not None:
                    self.gone_prices.append(now[0])
                    changed = True
            elif now is None:
                self.new_prices.append((part_id, country, currency, price))
                changed = True
            elif (now[1], now[2]) != (currency, price):
                self.changed_prices.append(
                    PartPrice(
                        id=now[0], part_id=part_id, country=country, currency=currency, price=price
                    )
                )
                changed = True
        return changed

    def fits(self, part_id: int, wanted: Any, current: set[int]) -> bool:
        if wanted is _ABSENT or wanted == current:
            return False
        self.new_fits.extend((part_id, t) for t in wanted - current)
        self.gone_fits.extend((part_id, t) for t in current - wanted)
        return True

    def save(self) -> None:
        if self.gone_prices:
            PartPrice.objects.filter(id__in=self.gone_prices).delete()
        price_field = PartPrice._meta.get_field("price")
        _insert(
            "parts_partprice",
            ["part_id", "country", "currency", "price"],
            [
                (part_id, country, currency, price_field.get_db_prep_save(price, connection))
                for part_id, country, currency, price in self.new_prices
            ],
        )
        PartPrice.objects.bulk_update(self.changed_prices, ["currency", "price"], batch_size=500)
        if self.gone_fits:
            by_part: dict[int, list[int]] = {}
            for part_id, type_id in self.gone_fits:
                by_part.setdefault(part_id, []).append(type_id)
            for part_id, type_ids in by_part.items():
                Fitment.objects.filter(part_id=part_id, vehicle_type_id__in=type_ids).delete()
        _insert("parts_fitment", ["part_id", "vehicle_type_id"], self.new_fits)


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (values ready for the database) into one of the catalogue's
    tables; names come from this module only, values are parameters."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: no statement to build or parse
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, rows)


class _opened:
    """A path is opened (UTF-8, with or without a byte-order mark); a stream is used as is."""

    def __init__(self, source: str | Path | IO[str]) -> None:
        self.source = source
        self.stream: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if isinstance(self.source, (str, Path)):
            self.stream = open(self.source, encoding="utf-8-sig", newline="")
            return self.stream
        return self.source

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()


def count_rows(path: str | Path) -> int:
    """Lines after the header, counted fast in binary (for a progress bar's total)."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return max(0, lines - 1)
