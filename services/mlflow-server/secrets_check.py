"""Refuse unusable secrets at start, naming the variable: empty, a placeholder, or too short.

The metrics API applies the same rule through its pydantic settings (metrics_api/settings.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MIN_LENGTH = 12
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "change_me")


class WeakSecret(ValueError):
    """A secret that must not be used; the message names the variable."""


def check_secret(name: str, value: str | None) -> str:
    """Return ``value`` when usable, else raise WeakSecret naming ``name``."""
    if not value:
        raise WeakSecret(f"{name} is empty; set a strong secret (make env writes one)")
    if value.strip().lower().startswith(PLACEHOLDER_PREFIXES):
        raise WeakSecret(f"{name} is still the placeholder from .env.example; set a real secret")
    if len(value) < MIN_LENGTH:
        raise WeakSecret(f"{name} is too short ({len(value)} characters; at least {MIN_LENGTH})")
    return value


def check_uri_password(name: str, uri: str) -> None:
    """A password inside a database URI (``scheme://user:password@host/db``) obeys the same rule.
    A URI without a password (trust/peer authentication, a SQLite file) has none to check."""
    if "://" in uri and "@" in uri.split("://", 1)[1]:
        password = urlsplit(uri).password
        if password is not None:
            check_secret(f"the password in {name}", password)
