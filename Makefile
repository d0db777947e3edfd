# Two entry points for a fresh machine: `make practice` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install install-dev practice test lint eval lock

$(VENV)/.runtime: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements.lock
	$(PIP) check
	$(PIP) install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(PIP) check
	$(PIP) install --quiet --no-deps -e .
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

practice: install
	$(VENV)/bin/tutor practice

lint: install-dev
	$(VENV)/bin/ruff check tutor plugins tests scripts benchmarks
	$(VENV)/bin/mypy tutor

test: lint
	$(PY) -m pytest

eval: install-dev
	$(VENV)/bin/tutor eval

# Re-resolve the pinned, hashed lock files after changing dependencies in pyproject.toml.
lock:
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml
