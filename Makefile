# ctdb: `make run` to serve the admin and API, `make test` to run every test.
# Set DATABASE_URL (postgres://user@host:port/db) to use PostgreSQL instead of SQLite.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install the pinned requirements

.PHONY: run
run: install ## Migrate, load the fixtures into an empty database, ensure an admin login, serve on 127.0.0.1:8000 (and run the import worker)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_dataset --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py ensure_admin
	@echo "Admin: http://$(HOST):$(PORT)/admin/   API: http://$(HOST):$(PORT)/api/v1/   Docs: http://$(HOST):$(PORT)/api/docs/"
	@echo "Admin imports run in the import worker (manage.py db_worker), started beside the server and stopped with it."
	DJANGO_DEBUG=1 $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: load-dataset
load-dataset: install ## Merge a new release of fixtures/ctdb.json into the database; never overwrites an editor's change (FIXTURE=...)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_dataset --update $(if $(FIXTURE),--fixture "$(FIXTURE)")

.PHONY: admin-password
admin-password: install ## Set a new password for the admin login (ADMIN=admin)
	DJANGO_DEBUG=1 $(PY) manage.py changepassword $(or $(ADMIN),admin)

.PHONY: test
test: install ## Run the whole test suite with pytest
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: lint
lint: install ## Lint and check formatting with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: fixtures
fixtures: install ## Rebuild fixtures/ctdb.json from fixtures/source/*.yaml
	DJANGO_DEBUG=1 $(PY) manage.py build_fixtures

.PHONY: check
check: install ## Django system check and missing-migration check
	DJANGO_DEBUG=1 $(PY) manage.py check
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

.PHONY: backup
backup: install ## Back up the database (DATABASE_URL, else SQLite) into var/backups/
	DJANGO_DEBUG=1 $(PY) manage.py backup_db

.PHONY: restore
restore: install ## Restore the database from a backup: make restore FILE=var/backups/<file>
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<file>"; exit 2; }
	DJANGO_DEBUG=1 $(PY) manage.py restore_db "$(FILE)"

.PHONY: export
export: install ## Export the dataset: CSVs, codebook and manifest into export/ (OPTIONS="--zip --bom")
	DJANGO_DEBUG=1 $(PY) manage.py export_dataset --output export $(OPTIONS)

.PHONY: synthetic
synthetic: install ## Add N synthetic attacks for scale tests (N=10000); remove with `make synthetic-remove`
	DJANGO_DEBUG=1 $(PY) manage.py generate_synthetic --attacks $(or $(N),10000)

.PHONY: synthetic-remove
synthetic-remove: install ## Remove every synthetic record
	DJANGO_DEBUG=1 $(PY) manage.py remove_synthetic

.PHONY: benchmark
# Attack counts to benchmark at (a variable: a comma inside $(or ...) would split it).
SIZES ?= 10000,200000,1000000
benchmark: install ## Benchmark at SIZES attacks (default 10000,200000,1000000; needs DATABASE_URL to PostgreSQL); writes var/benchmark.md
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-benchmark-only-key} $(PY) manage.py collectstatic --no-input -v0
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-benchmark-only-key} DJANGO_LOG_LEVEL=WARNING $(PY) manage.py benchmark --sizes $(SIZES) --markdown var/benchmark.md

.PHONY: search-benchmark
search-benchmark: install ## Search hit@1/hit@5 of ctdb/bench/search_queries.yaml on the database in use (needs the fixtures loaded: make run or load-dataset); HARDEST=N lists the N hardest
	DJANGO_DEBUG=1 DJANGO_LOG_LEVEL=WARNING $(PY) manage.py search_benchmark $(if $(HARDEST),--hardest $(HARDEST))

.PHONY: loadtest
loadtest: install ## Load test docker-compose's gunicorn behind nginx: 200k attacks, 50 req/s (ramped over 5 s), 6 deep-page and 4 slow clients, an edit at 30 s, 60 s (needs DATABASE_URL)
	$(VENV)/bin/pip install --quiet -r loadtest/requirements.txt
	loadtest/run.sh $(or $(N),200000) $(or $(RATE),50) $(or $(SECONDS),60)

.PHONY: concurrency
concurrency: install ## Editors and an import at once on PostgreSQL, 60 s, 20 workers: deadlocks, lost updates, waits (needs DATABASE_URL)
	DJANGO_DEBUG=1 DJANGO_LOG_LEVEL=WARNING $(PY) manage.py concurrency_test --seconds $(or $(SECONDS),60) --workers $(or $(WORKERS),20)

.PHONY: clean
clean: ## Remove the virtual environment and the local SQLite database
	rm -rf $(VENV) var/ctdb.sqlite3
