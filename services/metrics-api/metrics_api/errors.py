"""Every error leaves the API as ``{"success": false, "error": "<message>"}``, never as HTML."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400

    def __init__(
        self,
        message: str,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        details: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status or self.status
        self.headers = headers or {}
        self.details = details or {}  # extra fields of the error body, e.g. a query position


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="metrics-api"'})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class TrackingUnavailable(ApiError):
    """The MLflow tracking server did not answer in time (or said it is overloaded): worth a retry,
    which ``Retry-After`` says when."""

    status = 503

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class TrackingFailed(ApiError):
    """MLflow answered with something this API did not expect (a server error, a refusal)."""

    status = 502


def error_response(message: str, status: int, headers=None, details=None):
    response = jsonify({"success": False, "error": message, **(details or {})})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        if error.status >= 500:
            log.warning("%s: %s", type(error).__name__, error.message)
        return error_response(error.message, error.status, error.headers, error.details)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Keep headers such as Allow (405) but replace the HTML body.
        headers = {
            k: v
            for k, v in error.get_response().headers.items()
            if k.lower() not in ("content-type", "content-length")
        }
        return error_response(error.description or error.name, error.code or 500, headers)

    @app.errorhandler(RecursionError)
    def too_deep(error: RecursionError):  # a last line of defence behind limits.json_body
        return error_response("request is nested too deeply", 400)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return error_response("internal error; see the metrics-api log", 500)
