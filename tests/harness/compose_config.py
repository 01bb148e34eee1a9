"""The arguments that make `docker compose config` resolve docker-compose.yml with .env.example's
values (a real .env need not exist), for the tests that read services, ports and images from it."""

EXAMPLE_CONFIG_ARGS = (
    "--env-file",
    ".env.example",
    "--profile",
    "train",
    "config",
    "--format",
    "json",
)
