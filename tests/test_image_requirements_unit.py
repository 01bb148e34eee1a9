"""A service's image installs only its own requirements.txt (the recommender's also copies the
trainer's package beside its own): every third-party module their code imports must come from a
distribution that file pins (the compose stage caught the image missing omegaconf, which
the trainer's config began to import; natively the shared venv hid it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Each Python service image: its folder, the packages it imports from source, its PYTHONPATH.
SERVICES = {
    "recommender": (("recommender_service", "movie_genie_trainer"), ("recommender", "trainer")),
    "metrics-api": (("metrics_api",), ("metrics-api",)),
}

# Imports the service's code makes itself (not those torch or MLflow make inside, which their own
# distributions declare), mapped to the distributions that provide them.
TRACE = """
FIRST_PARTY = FIRST_PARTY_NAMES
import builtins, importlib.metadata, json, sys
imported, original = set(), builtins.__import__
def tracing(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__name__", "")
    if level == 0 and caller.split(".")[0] in FIRST_PARTY:
        imported.add(name.split(".")[0])
    return original(name, globals, locals, fromlist, level)
builtins.__import__ = tracing
import IMPORTED_PACKAGE
builtins.__import__ = original
providers = importlib.metadata.packages_distributions()
outside = set(sys.stdlib_module_names) | set(FIRST_PARTY)
third_party = sorted(imported - outside)
print(json.dumps({m: providers.get(m, []) for m in third_party}))
"""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_the_service_imports_is_pinned_in_its_requirements(service):
    first_party, folders = SERVICES[service]
    requirements = REPO / "services" / service / "requirements.txt"
    pinned = {
        normalise(line.split("==")[0])
        for line in requirements.read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    }
    script = TRACE.replace("FIRST_PARTY_NAMES", repr(first_party))
    traced = subprocess.run(
        [sys.executable, "-c", script.replace("IMPORTED_PACKAGE", first_party[0])],
        env={
            "PYTHONPATH": ":".join(str(REPO / "services" / f) for f in folders),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    providers = json.loads(traced.stdout)
    assert "flask" in providers  # the trace sees real imports
    missing = {m: d for m, d in providers.items() if not {normalise(x) for x in d} & pinned}
    assert not missing, f"imported but not in services/{service}/requirements.txt: {missing}"
