"""Real servers for the test suite: Postgres, S3 (SeaweedFS), the MLflow tracking server.

Every server runs as its own process group on a free port and is stopped by its PID.
"""
