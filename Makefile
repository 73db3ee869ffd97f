# Maillage — every target bootstraps from a bare python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
DEMO_ENV := DEBUG=1 MAILLAGE_DEMO=1
DEMO_YOUTHS ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install demo run test quality resetdb worker migrate bench

help:
	@echo "make demo     installe, migre, charge le territoire et la démo, sert sur http://$(HOST):$(PORT)"
	@echo "make test     toute la suite (PostgreSQL si DATABASE_URL est défini, sinon SQLite)"
	@echo "make quality  ruff, format, migrations manquantes, mypy"
	@echo "make run      sert l'application (mode démonstration)"
	@echo "make worker   lance le worker des tâches de fond"
	@echo "make resetdb  efface la base SQLite de démonstration"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 ou plus récent est requis") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --quiet
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py setup_demo --youths $(DEMO_YOUTHS)
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

run: install
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(DEMO_ENV) TASKS_BACKEND=django_tasks_db.DatabaseBackend $(BIN)/python manage.py db_worker

resetdb:
	rm -f var/maillage.sqlite3 var/maillage.sqlite3-wal var/maillage.sqlite3-shm
	@echo "Base de démonstration effacée. Relancez : make demo"

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEMO_ENV) $(BIN)/mypy maillage/core maillage/accounts maillage/territory maillage/partners/services.py maillage/partners/access.py maillage/employers/services.py \
		maillage/youth/services.py maillage/youth/access.py maillage/youth/hours.py maillage/youth/selectors.py

bench: install
	$(BIN)/python bench/pages.py
