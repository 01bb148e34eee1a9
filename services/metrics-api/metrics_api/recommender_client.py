"""Forwards preview requests to the recommender service (its own process: the API stays free
of torch). The recommender's 4xx answers pass through with their message; no answer is a 503."""

from __future__ import annotations

import requests

from .errors import ApiError, TrackingUnavailable


class RecommenderClient:
    def __init__(self, base_url: str, timeout: float):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.session = requests.Session()

    def call(self, method: str, path: str, **kwargs) -> dict:
        if not self.base_url:
            raise TrackingUnavailable(
                "recommendation previews are off: METRICS_API_RECOMMENDER_URL is not set"
            )
        try:
            response = self.session.request(
                method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            raise TrackingUnavailable(
                f"the recommender at {self.base_url} did not answer: {type(error).__name__}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and body.get("success"):
            return body
        message = body.get("error") or f"the recommender answered {response.status_code}"
        if 400 <= response.status_code < 500:
            raise ApiError(message, status=response.status_code)
        if response.status_code == 503:
            raise TrackingUnavailable(message)
        raise ApiError(message, status=502)
