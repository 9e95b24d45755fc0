"""Part numbers: stored normalised, shown in the network's format.

A clerk types a number the way it is printed on a box or a diagram ("11 42-7.953 129",
"11427953129"); the catalogue keeps letters and digits only, upper case, and shows it
in groups (``Network.part_number_format``, e.g. "2 2 1 3 3" → "11 42 7 953 129").
"""

import re

MAX_LENGTH = 30
# Normalised numbers hold these characters only, in this order under every collation
# we meet (byte order on SQLite and PostgreSQL's "C", and the usual locales alike).
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


def normalise(raw: str | None) -> str:
    """Letters and digits only, upper case: "11 42-7.953 129" → "11427953129"."""
    return _NOT_ALPHANUMERIC.sub("", (raw or "").upper())


def groups(network_format: str | None) -> list[int]:
    """The group sizes of a format: "2 2 1 3 3" → [2, 2, 1, 3, 3]; nonsense is ignored."""
    return [int(size) for size in (network_format or "").split() if size.isdigit() and size != "0"]


def display(number: str, network_format: str | None) -> str:
    """The number in the network's groups. Characters beyond the groups form one last
    group; a shorter number is cut where it ends."""
    sizes = groups(network_format)
    if not sizes:
        return number
    parts, start = [], 0
    for size in sizes:
        if start >= len(number):
            break
        parts.append(number[start : start + size])
        start += size
    if start < len(number):
        parts.append(number[start:])
    return " ".join(parts)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every number that starts with ``prefix``.

    A prefix search is then the index range ``prefix <= number < bound`` (no LIKE, so
    it uses the plain b-tree index on both databases, whatever the collation): the
    prefix's last character is stepped to the next one of ``ALPHABET``, carrying over
    "Z". ``None`` when there is no bound ("ZZZ": every number from the prefix on).
    """
    chars = list(prefix)
    while chars:
        position = ALPHABET.find(chars[-1])
        if 0 <= position < len(ALPHABET) - 1:
            chars[-1] = ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return None
