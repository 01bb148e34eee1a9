"""An MLflow account a service holds, refused at start when unusable (the rule every service
shares, services/secret-rule/secret_rule.py): a password that is empty, a ``change-me…``
placeholder or shorter than 12 characters stops it with a message naming the variable. Here, in
the trainer's package, because the recommender's image carries this package.
"""

from __future__ import annotations

import os

from secret_rule import account_problem


def check_account(environ: dict[str, str] | None = None) -> None:
    """Both MLFLOW_TRACKING_USERNAME and a strong MLFLOW_TRACKING_PASSWORD, or neither (auth off).
    Raises RuntimeError naming the variable."""
    env = os.environ if environ is None else environ
    username = env.get("MLFLOW_TRACKING_USERNAME", "")
    password = env.get("MLFLOW_TRACKING_PASSWORD", "")
    if problem := account_problem(username, password):
        raise RuntimeError(f"{problem}; refusing to start")
