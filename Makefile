# SocialPulse: `make run` serves the dashboard on the demo warehouse, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/socialpulse.duckdb
PORT   ?= 8501
SIZE   ?= 1m
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast demo lint bench clock-check cli-reference help

help:
	@echo "make run    set up, build the demo warehouse if absent, serve http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite (browser tests included)"
	@echo "make test-fast  every test but the slow ones (browser, bench, notebooks): the inner loop"
	@echo "make demo   rebuild the demo warehouse from scratch"
	@echo "make lint   ruff"
	@echo "make clock-check  the whole suite with the clock a year ahead, then a year back (faketime)"
	@echo "make cli-reference  regenerate docs/cli.md from the commands' --help"
	@echo "make bench  benchmarks at SIZE=$(SIZE) (tiny, 50k, 1m, 10m); appends docs/benchmarks.md"

# Reinstall only when the pins or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DB): | $(STAMP)
	$(BIN)/pulse --db $(DB) demo

run: $(STAMP) $(DB)
	$(BIN)/pulse --db $(DB) migrate
	$(BIN)/pulse --db $(DB) users add admin --role admin --generate-password --unless-accounts
	$(BIN)/pulse --db $(DB) serve --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

demo: $(STAMP)
	$(BIN)/pulse --db $(DB) demo --fresh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/pulse bench --size $(SIZE)

clock-check: $(STAMP)
	bash tests/clock_shift.sh

# The same width and no colour everywhere, so that the generated file is the same on every machine.
cli-reference: $(STAMP)
	env -i PATH="$$PATH" HOME="$$HOME" COLUMNS=100 NO_COLOR=1 TERM=dumb \
		$(BIN)/python -m socialpulse.cli.reference docs/cli.md
