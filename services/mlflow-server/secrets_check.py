"""Refuse unusable secrets at start, naming the variable: empty, a placeholder, or too short
(the rule every service shares: services/secret-rule/secret_rule.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from secret_rule import weak_secret_reason


class WeakSecret(ValueError):
    """A secret that must not be used; the message names the variable."""


def check_secret(name: str, value: str | None) -> str:
    """Return ``value`` when usable, else raise WeakSecret naming ``name``."""
    if reason := weak_secret_reason(value):
        raise WeakSecret(f"{name} {reason}")
    return value


def check_uri_password(name: str, uri: str) -> None:
    """A password inside a database URI (``scheme://user:password@host/db``) obeys the same rule.
    A URI without a password (trust/peer authentication, a SQLite file) has none to check."""
    if "://" in uri and "@" in uri.split("://", 1)[1]:
        password = urlsplit(uri).password
        if password is not None:
            check_secret(f"the password in {name}", password)
