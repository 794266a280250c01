# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test check lint typecheck bench clean screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(BIN)/seatledger demo

# The whole suite on SQLite and PostgreSQL, in a real browser, with the coverage floor that
# the suite meets (raise it as tests grow; never lower it to let a change through).
COVERAGE_FLOOR ?= 95

test: install
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(BIN)/pytest --cov=seatledger --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)

# What CI runs: lint, format, types (strict on domain/ and services/), then the suite.
check: lint typecheck test

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis seatledger.db*

bench: install
	scripts/ensure-postgres
	$(BIN)/python -m bench.checkout
	$(BIN)/python -m bench.capacity
	$(BIN)/python -m bench.assignment
	$(BIN)/python -m bench.bulk_csv

# Refresh docs/screenshots/ from the browser tests.
screenshots: install
	scripts/ensure-chromium
	SEATLEDGER_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/browser -q
