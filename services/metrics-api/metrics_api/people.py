"""Who promotes: a named person with their own MLflow account, or automation with the shared token.

A person sends ``Authorization: Basic <user:password>`` (the dashboard asks once per session).
The API does not judge the password itself: it performs the promotion's writes to MLflow *as that
person*, so MLflow's basic-auth checks both the password (401) and the person's role (403), and
records ``promoted_by`` on the model version with the same credentials. The bearer token, only
when METRICS_API_PROMOTE_TOKEN is set, promotes as the API's own service account (automation).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from .errors import Forbidden, Unauthorized

AUTOMATION = "automation (promotion token)"


@dataclass(frozen=True)
class Promoter:
    name: str  # recorded in the registry
    password: str | None = None  # None: the API's own account (token)

    @property
    def is_person(self) -> bool:
        return self.password is not None


def promoter_from(authorization: str | None, token: str) -> Promoter:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            username, sep, password = (
                base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            username, sep, password = "", "", ""
        if not sep or not username or not password:
            raise Unauthorized(
                "promotion needs your MLflow username and password "
                "('Authorization: Basic <user:password>')"
            )
        return Promoter(username, password)
    if scheme.lower() == "bearer":
        if not token:
            raise Forbidden(
                "promotion by token is switched off (METRICS_API_PROMOTE_TOKEN is "
                "not set); sign in with your MLflow account instead"
            )
        if hmac.compare_digest(value.strip().encode(), token.encode()):
            return Promoter(AUTOMATION)
    raise Unauthorized(
        "promotion needs your MLflow username and password "
        "('Authorization: Basic <user:password>'), or the automation token"
    )
