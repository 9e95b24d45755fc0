"""Sections an app above adds to a page of an app below (the customer's cars on the
customer's page): a template and the context it is rendered with, registered in a
``Registry[Panel[...]]`` of the page's app (docs/architecture.md, "Registries")."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from servicelane.core.registry import Registry

T = TypeVar("T")


@dataclass(frozen=True)
class Panel(Generic[T]):
    """``context(request, obj)`` gives the template's context, or None: nothing to show."""

    template: str
    context: Callable[[HttpRequest, T], dict[str, Any] | None]


def render_panels(panels: Registry[Panel[T]], request: HttpRequest, obj: T) -> list[SafeString]:
    """The registered panels for ``obj``, rendered in their order; those with nothing to
    show are left out."""
    rendered = []
    for panel in panels:
        context = panel.context(request, obj)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
