# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(BIN)/seatledger demo

test: install
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis seatledger.db*

bench: install
	scripts/ensure-postgres
	$(BIN)/python -m bench.checkout
	$(BIN)/python -m bench.capacity
	$(BIN)/python -m bench.assignment

# Refresh docs/screenshots/ from the browser tests.
screenshots: install
	scripts/ensure-chromium
	SEATLEDGER_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/browser -q
