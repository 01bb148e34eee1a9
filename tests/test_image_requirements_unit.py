"""A service's image installs only its own requirements.txt (the recommender's also copies the
trainer's package beside its own): every third-party module their code imports must come from a
distribution that file pins (the compose stage caught the image missing omegaconf, which
the trainer's config began to import; natively the shared venv hid it).

The imports are read from the source with ``ast`` rather than traced by importing the service:
the same answer without loading torch and MLflow in a subprocess, and it also sees the imports a
function makes lazily (the metrics API imports MLflow only when it first talks to the server).
It follows the service's own modules into the first-party modules they import (the recommender
reaches only part of the trainer's package), not into third-party code, whose own distributions
declare what it needs."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Each Python service image: its folder, its own package (where the walk starts), and the folders
# on its PYTHONPATH with the first-party modules they hold (both images copy the one secret rule).
SERVICES = {
    "recommender": (
        "recommender_service",
        {
            "recommender_service": "recommender",
            "movie_genie_trainer": "trainer",
            "secret_rule": "secret-rule",
        },
    ),
    "metrics-api": ("metrics_api", {"metrics_api": "metrics-api", "secret_rule": "secret-rule"}),
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def provided_modules(distribution: str) -> set[str]:
    """The top-level modules an installed distribution provides, as importlib.metadata's
    packages_distributions reads them (top_level.txt, else the .py files its RECORD lists), for
    the pinned distributions alone: reading every installed one's file list costs seconds."""
    dist = importlib.metadata.distribution(distribution)
    if declared := (dist.read_text("top_level.txt") or "").split():
        return set(declared)
    paths = (line.split(",")[0] for line in (dist.read_text("RECORD") or "").splitlines())
    return {
        p.split("/")[0] if "/" in p else p.removesuffix(".py") for p in paths if p.endswith(".py")
    }


def module_file(name: str, folders: dict[str, str], services: Path) -> Path | None:
    """The source file of first-party module ``name``, or None when it is not a module (a name
    imported from a package, say)."""
    base = services / folders[name.split(".")[0]] / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(path: Path, module: str) -> set[str]:
    """Absolute names of every module ``path`` imports anywhere in it (top level, functions,
    TYPE_CHECKING blocks), ``from a import b`` giving both ``a`` and ``a.b``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            anchor = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            source = ".".join(filter(None, (anchor, node.module)))
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def third_party_imports(
    own_package: str, folders: dict[str, str], services: Path = REPO / "services"
) -> tuple[set[str], set[str]]:
    """(the top-level third-party names the service's code imports, the first-party modules
    read), walking from every module of ``own_package``."""
    own = services / folders[own_package]
    pending = [
        ".".join(p.relative_to(own).with_suffix("").parts).removesuffix(".__init__")
        for p in (own / own_package).rglob("*.py")
    ]
    read, third_party = set(), set()
    outside = set(sys.stdlib_module_names)
    while pending:
        module = pending.pop()
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        chain = module.split(".")
        for depth in range(1, len(chain) + 1):
            name = ".".join(chain[:depth])
            if name in read or (path := module_file(name, folders, services)) is None:
                continue
            read.add(name)
            for imported in imported_names(path, name):
                top = imported.split(".")[0]
                if top in folders:
                    pending.append(imported)
                elif top not in outside:
                    third_party.add(top)
    return third_party, read


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_the_service_imports_is_pinned_in_its_requirements(service):
    own_package, folders = SERVICES[service]
    requirements = REPO / "services" / service / "requirements.txt"
    pinned = {
        normalise(line.split("==")[0])
        for line in requirements.read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    }
    imported, read = third_party_imports(own_package, folders)
    assert "flask" in imported  # the walk sees real imports ...
    assert {n.split(".")[0] for n in read} == set(folders)  # ... and follows them across packages
    provided = set().union(*map(provided_modules, pinned))
    missing = sorted(imported - provided)
    assert not missing, f"imported but not in services/{service}/requirements.txt: {missing}"


def test_the_walk_finds_a_lazy_import_and_follows_a_relative_one(tmp_path):
    """The reader itself on a made-up service: a relative import into a sibling module whose
    function imports a third-party module lazily."""
    package = tmp_path / "services" / "toy" / "toy_service"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from .helpers import go\nimport os\n")
    (package / "helpers.py").write_text("def go():\n    import lark\n    return lark\n")
    imported, read = third_party_imports(
        "toy_service", {"toy_service": "toy"}, tmp_path / "services"
    )
    assert imported == {"lark"}
    assert read == {"toy_service", "toy_service.helpers"}
