# Set-up on a fresh machine with Python 3.11+: `make demo` and `make test` do everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-sqlite test-postgres bench bench-full lint clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/bailiff demo --writs $${DEMO_WRITS:-2000}

# The whole suite on the embedded SQLite default, and again on PostgreSQL when
# BAILIFF_TEST_POSTGRES_URL is set (.ci/run sets it when a server answers on 127.0.0.1:5432).
test: $(STAMP)
	$(BIN)/lint-imports --config pyproject.toml
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-full: $(STAMP)
	$(BIN)/python -m benchmarks --full

clean:
	rm -rf $(VENV) var .pytest_cache
