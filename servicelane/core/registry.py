"""Named entries registered at startup: how an app lower in the layers uses what an
app above it provides, without importing it.

The lower app declares the registry (one line, typed by what an entry is); each app
above registers its entries in its ``AppConfig.ready()``; the lower app reads them when
it needs them. Entries keep the order they were registered in (``INSTALLED_APPS``).
docs/architecture.md, "Registries", lists the registries.
"""

from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by name; a name is registered once (again with the same entry is a no-op,
    so a second ``ready()`` changes nothing)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        known = self._entries.get(key)
        if known is not None and known != entry:
            raise ValueError(f"{self.name}: {key!r} is already registered")
        self._entries[key] = entry
        return entry

    def entry(self, key: str) -> Callable[[T], T]:
        """``register`` as a decorator: ``@registry.entry("name")``."""
        return lambda entry: self.register(key, entry)

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._entries)}>"


# ---------------------------------------------------------------- core's registries


class Count(Protocol):
    """A figure of what ``user`` may see."""

    def __call__(self, *, user: Any) -> int: ...


#: The figures of the overview page (home), by name: ``customers``, ``vehicles``.
kpis: Registry[Count] = Registry("kpis")
