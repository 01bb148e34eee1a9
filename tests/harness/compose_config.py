"""docker-compose.yml as compose resolves it with .env.example's values (a real .env need not
exist): the static checks and the compose stage read services, ports and images from it."""

EXAMPLE_CONFIG_ARGS = (
    "--env-file",
    ".env.example",
    "--profile",
    "train",
    "config",
    "--format",
    "json",
)
