"""The layer contract (pyproject.toml, docs/architecture.md "Layers") holds, and the check
behind it fails when an import runs the wrong way.

Three machine checks keep the shape: import-linter over every import (functions included),
the models' relations and migrations, which point only down too, and imports inside
functions, which never reach another app (an import inside a function is how a loop hides).
"""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "servicelane"
PYPROJECT = ROOT / "pyproject.toml"

# Imports inside a function that still cross apps; each goes when its loop is untied.
KNOWN_FUNCTION_IMPORTS: set[tuple[str, str]] = set()
# Queries on another app's models outside its selectors and services; each goes to a
# selector (reads) or a service (writes) of the app that owns the model.
KNOWN_FOREIGN_QUERIES: set[tuple[str, str]] = set()
# Relations that point up the layers (and the migrations they bring); each goes with its loop.
KNOWN_UPWARD_RELATIONS: set[str] = set()
KNOWN_UPWARD_MIGRATIONS: set[str] = set()


def contract() -> dict:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return layers


def layer_of_app() -> dict[str, int]:
    """App name → its height in the contract (0 is core); apps of one layer share it."""
    heights = {}
    for height, layer in enumerate(reversed(contract()["layers"])):
        for name in layer.replace("|", ":").split(":"):
            heights[name.strip().strip("()")] = height
    return heights


def servicelane_apps() -> list:
    return [c for c in apps.get_app_configs() if c.name.startswith("servicelane.")]


def run_lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(  # the contract's own command, on a tree of ours
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command as c; c()",
            *("--no-cache", "--config", str(cwd / "pyproject.toml")),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory) -> Path:
    """The package's Python files and the contract, copied where a test may break them."""
    tree = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        PACKAGE,
        tree / "servicelane",
        ignore=shutil.ignore_patterns("templates", "static", "locale", "__pycache__", "*.mo"),
    )
    shutil.copy(PYPROJECT, tree / "pyproject.toml")
    return tree


def test_the_contract_holds_for_the_code_as_it_is(source_copy):
    result = run_lint_imports(source_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_check_fails_on_an_import_that_runs_upward(source_copy):
    probe = source_copy / "servicelane" / "core" / "layer_probe.py"
    probe.write_text("from servicelane.billing import models  # noqa\n")
    try:
        result = run_lint_imports(source_copy)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "servicelane.core is not allowed to import servicelane.billing" in result.stdout
    assert "servicelane.core.layer_probe -> servicelane.billing.models" in result.stdout


def test_every_app_has_its_place_in_the_contract():
    heights = layer_of_app()
    missing = [c.name for c in servicelane_apps() if c.name.split(".")[1] not in heights]
    assert missing == []


def test_relations_between_models_point_down_the_layers():
    """A foreign key is a dependency the import graph does not see (it names its model
    as a string), and its migration depends on the other app's."""
    heights = layer_of_app()
    upward = []
    for config in servicelane_apps():
        own = heights[config.name.split(".")[1]]
        for model in config.get_models():
            for field in model._meta.get_fields(include_hidden=False):
                if not field.is_relation or field.auto_created or not field.related_model:
                    continue
                other = field.related_model._meta.app_config
                upper = other.name.startswith("servicelane.") and other != config
                if upper and heights[other.name.split(".")[1]] > own:
                    upward.append(f"{model._meta.label}.{field.name} -> {other.label}")
    assert set(upward) == KNOWN_UPWARD_RELATIONS


def test_migrations_depend_down_the_layers():
    heights = layer_of_app()
    labels = {c.label: heights[c.name.split(".")[1]] for c in servicelane_apps()}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    upward = []
    for (label, name), migration in loader.disk_migrations.items():
        if label not in labels:
            continue
        for other, _ in migration.dependencies:
            if other in labels and labels[other] > labels[label]:
                upward.append(f"{label}.{name} -> {other}")
    assert set(upward) == KNOWN_UPWARD_MIGRATIONS


def function_imports_across_apps() -> set[tuple[str, str]]:
    app_names = {c.name.split(".")[1] for c in servicelane_apps()}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2 or "migrations" in relative.parts:
            continue
        own = relative.parts[0]
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    parts = name.split(".")
                    other = parts[1] if parts[0] == "servicelane" and len(parts) > 1 else None
                    if other != own and other in app_names:
                        found.add((str(relative), name))
    return found


def test_no_import_inside_a_function_reaches_another_app():
    assert function_imports_across_apps() - KNOWN_FUNCTION_IMPORTS == set()
    assert KNOWN_FUNCTION_IMPORTS - function_imports_across_apps() == set(), "untied: drop it"


def foreign_queries() -> set[tuple[str, str]]:
    """``Model.objects`` of another app's model in an app's own modules (core's models,
    the network and its people, are read everywhere; the demo and the test toolkit build
    through every app)."""
    app_names = {c.name.split(".")[1] for c in servicelane_apps()}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        parts = relative.parts
        if (
            len(parts) < 2
            or {"tests", "migrations"} & set(parts)
            or parts[0] in ("demo", "testing")
        ):
            continue
        tree = ast.parse(path.read_text())
        foreign = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".models"):
                app = (node.module or "").split(".")[1]
                if app in app_names and app not in (parts[0], "core"):
                    foreign.update({alias.asname or alias.name: app for alias in node.names})
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("objects", "_default_manager")
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign
            ):
                found.add((str(relative), f"{node.value.id}.{node.attr}"))
    return found


def test_apps_read_and_write_other_apps_data_through_their_selectors_and_services():
    assert foreign_queries() - KNOWN_FOREIGN_QUERIES == set()
    assert KNOWN_FOREIGN_QUERIES - foreign_queries() == set(), "gone: drop it from the list"
