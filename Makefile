# pakn — common tasks. `make help` lists them.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help install run test test-pg fuzz lint bench screenshots letters clean

help:  ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/pakn: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/pakn  ## create .venv and install pakn with its test tools

run: install  ## run the service on SQLite with demo data and a local mail catcher
	$(BIN)/pakn serve --demo

test: install  ## run the tests (SQLite; set PAKN_TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest -q

test-pg: install  ## run the tests on the local PostgreSQL
	PAKN_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

fuzz: install  ## schemathesis over every API operation, anonymous and as staff (SQLite; PAKN_FUZZ_DATABASE_URL for PostgreSQL)
	$(BIN)/python tests/edge/fuzz.py

lint: install  ## ruff, and the shape of the code (layers, no cycles, module sizes)
	$(BIN)/ruff check feedback notifications scheduler tests bench
	$(BIN)/pytest -q -p no:cacheprovider tests/test_architecture.py

screenshots: install  ## refresh docs/screenshots/ from the browser tests (needs /usr/bin/chromium)
	CI=true $(BIN)/pytest -q -p no:cacheprovider tests/browser
	cp build/screenshots/*.png docs/screenshots/

letters: install  ## render every e-mail template with sample data into docs/letters/ (for review)
	$(BIN)/python -m notifications.samples docs/letters

bench: install  ## the benchmarks of bench/README.md (PostgreSQL)
	$(BIN)/python bench/run_all.py

clean:  ## remove the virtualenv and local data
	rm -rf $(VENV) pakn-data pakn.sqlite3* build
