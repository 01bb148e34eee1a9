# Movie Genie tracking stack. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
COMPOSE ?= docker compose
# pytest-xdist workers for test-servers: 0 (one process) unless a machine has cores to spare.
TEST_SERVERS_WORKERS ?= 0


.PHONY: help bootstrap frontend-build demo test test-fast test-servers test-compose test-python test-frontend up down \
        logs train train-local dvc-push dvc-pull mlflow replay lint format api-types bench bench-models sweep-models env \
        add-user

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

bootstrap: ## Install what is missing: Debian packages (as root), .venv, npm packages
	@scripts/bootstrap.sh

# schema.d.ts is derived from src/api/openapi.json before every tsc (make lint too): not a source.
FRONTEND_SOURCES := $(filter-out services/frontend/src/api/schema.d.ts, \
	$(shell find services/frontend/src services/frontend/public -type f 2>/dev/null) \
	$(wildcard services/frontend/*.json services/frontend/*.ts services/frontend/index.html))
services/frontend/dist/index.html: $(FRONTEND_SOURCES)
	npm --prefix services/frontend run build

frontend-build: bootstrap ## Production build of the dashboard (only when a source changed)
	@$(MAKE) --no-print-directory services/frontend/dist/index.html

demo: frontend-build ## Whole stack natively (ports 5000/5001/8080): train demo models, serve the dashboard
	@scripts/demo.sh

# The compose stage runs beside the other tests wherever a Docker engine can be had (one answers,
# or root can start a private one); elsewhere it says why it did not run. COMPOSE_STAGE=after runs
# it after them, COMPOSE_STAGE=off leaves it out; `make test-compose` runs it alone.
test: bootstrap ## Every test: lint, the fast tier, the server tests and, beside them, the compose stage
	@scripts/test-all.sh

test-frontend: ## Vitest component tests of the dashboard (assumes bootstrap)
	npm --prefix services/frontend test -- --run

test-compose: bootstrap ## Compose stage: build every image, run the stack and `make train`, check, clean up
	@scripts/compose-stage.sh

# pytest-randomly shuffles both tiers (it prints its seed; --randomly-seed=N repeats an order). It
# shuffles the modules, then the tests within each, so a module-scoped server still starts once.
test-fast: bootstrap ## No servers (aim: under a minute on 2 idle cores): unit and Flask test_client tests (random order), Vitest
	@scripts/test-fast.sh

test-servers: ## The Python tests that start servers: Postgres, S3, mlflow, gunicorn, nginx, Chromium
	$(PY) -m pytest -p randomly -n $(TEST_SERVERS_WORKERS) --dist loadfile -m 'not compose and not fast'

test-python: ## The whole Python suite (both tiers)
	$(PY) -m pytest -p randomly

up: ## Start the compose stack (needs Docker and a .env; see .env.example)
	$(COMPOSE) up -d --wait

down: ## Stop the compose stack
	$(COMPOSE) down

logs: ## Follow the compose stack's logs
	$(COMPOSE) logs -f

env: ## Write .env for compose with strong random secrets (refuses to overwrite one)
	@python3 scripts/write_env.py

# As an admin: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD in the env.
add-user: bootstrap ## Add a person to MLflow: make add-user NAME=alice ROLE=viewer|editor|maintainer|admin
	@$(PY) services/mlflow-server/add_user.py "$(NAME)" "$(ROLE)"

# The trainer runs as the checkout's owner, so DVC's outputs in the mounted checkout are theirs.
train: ## Run the DVC pipeline in the trainer container against the compose stack
	TRAINER_UID=$$(stat -c %u .) TRAINER_GID=$$(stat -c %g .) $(COMPOSE) --profile train run --rm --build trainer

# DVC's remote is the artifact bucket (.dvc/config); in the container, .env names the bucket and keys.
DVC_REMOTE := dvc remote modify --local artifacts url "s3://$$ARTIFACT_BUCKET/dvc" &&
dvc-push: ## Upload the processed data and models dvc.lock names to the bucket (compose stack)
	TRAINER_UID=$$(stat -c %u .) TRAINER_GID=$$(stat -c %g .) $(COMPOSE) --profile train run --rm trainer \
		sh -c '$(DVC_REMOTE) dvc push'

dvc-pull: ## Restore the processed data and models dvc.lock names from the bucket (compose stack)
	TRAINER_UID=$$(stat -c %u .) TRAINER_GID=$$(stat -c %g .) $(COMPOSE) --profile train run --rm trainer \
		sh -c '$(DVC_REMOTE) dvc pull'

# DVC runs each stage's `python -m ...` through the shell: the venv must come first on PATH.
train-local: bootstrap ## Run the DVC pipeline natively against MLFLOW_TRACKING_URI
	@if [ -z "$$MLFLOW_TRACKING_URI" ]; then echo "train-local: MLFLOW_TRACKING_URI is not set;" \
		"runs are tracked only if configs/mlflow.yaml enables it" >&2; fi
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/dvc repro

replay: ## Send a stage's saved tracking outbox to MLflow, exactly once (OUTBOX=models/<model>/tracking-outbox.json)
	@if [ -z "$(OUTBOX)" ]; then echo "replay: set OUTBOX=models/<model>/tracking-outbox.json" >&2; exit 2; fi
	$(PY) -m movie_genie_trainer.tracking.replay $(OUTBOX)

mlflow: bootstrap ## Native tracking server (SQLite + .state/mlflow by default; env overrides)
	$(PY) services/mlflow-server/entrypoint.py

# make test runs it first: the quickest failure.
lint: bootstrap ## Static checks: ruff, OpenAPI snapshot vs the API, tsc (API types from it), ESLint, compose config, hadolint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/api_types.py --check
	npm --prefix services/frontend run --silent typecheck
	npm --prefix services/frontend run --silent lint
	$(VENV)/bin/docker-compose --env-file .env.example -f docker-compose.yml config -q
	$(VENV)/bin/hadolint services/*/Dockerfile

format: bootstrap ## Fix formatting and import order
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

api-types: bootstrap ## Snapshot the API's OpenAPI document for the dashboard (services/frontend/src/api/openapi.json) and its types
	$(PY) scripts/api_types.py

BENCHES := $(filter-out bench/bench_models.py,$(sort $(wildcard bench/bench_*.py)))
bench: bootstrap ## Benchmarks (logging overhead, API latency, frontend), as ratios vs a same-run baseline
	@if [ -z "$(BENCHES)" ]; then echo "make bench: no benchmark built yet" >&2; exit 1; fi
	@# Every benchmark runs even when one misses its target; the ones that missed are named at the end.
	@missed=""; for script in $(BENCHES); do echo "== $$script"; $(PY) $$script || missed="$$missed $$script"; done; \
	 if [ -n "$$missed" ]; then echo "make bench: missed a target or failed:$$missed" >&2; exit 1; fi

bench-models: bootstrap ## Model table on ML-100k: 4 models x 3 seeds, validation + test, bootstrap CI vs EASE
	$(PY) bench/bench_models.py

sweep-models: bootstrap ## The validation sweep behind the neural defaults (docs/model-selection.md)
	$(PY) bench/sweep_models.py
