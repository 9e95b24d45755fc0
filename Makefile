# servicelane: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
.PHONY: run test install migrate demo demo-again lint format messages check-messages bench bench-booking bench-reminders bench-parts bench-routing bench-planner fuzz clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

## demo-again: a fresh SQLite demo (the demo's day is counted from when it is built)
demo-again: install
	rm -f var/servicelane.sqlite3
	$(MAKE) demo

## run: set everything up, then serve on http://$(HOST):$(PORT) with the task worker
run: demo
	@echo ""
	@echo "  servicelane is starting on http://$(HOST):$(PORT)"
	@echo "  log in with one of the accounts above (password: servicelane); Ctrl-C stops it."
	@echo "  car owners book without an account at http://$(HOST):$(PORT)/book/"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py send_service_reminders --schedule; \
	$(BIN)/python manage.py db_worker --interval 1 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite, one worker per core (browser tests included when Chromium is installed)
test: install
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest -q -n auto

## fuzz: Schemathesis against a server of its own, as every role (FUZZ_SEED=<n> replays a run)
FUZZ_SEED ?=
fuzz: install
	mkdir -p var
	$(BIN)/python manage.py fuzz_api $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

## lint: the layer contract (apps import only downward), ruff's rules and formatting
lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: extract strings and compile the catalogues (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python bench/seed_scale.py

## bench-booking: booking throughput over HTTP (gunicorn, PostgreSQL 15) vs direct SQL
bench-booking: install
	$(BIN)/python bench/booking_throughput.py

## bench-reminders: the daily reminder batch over 100,000 and 1,000,000 cars (SQLite, PostgreSQL)
bench-reminders: install
	$(BIN)/python bench/reminder_batch.py

## bench-parts: parts catalogue import of 1,000,000 rows and search latency (SQLite, PostgreSQL)
bench-parts: install
	$(BIN)/python bench/parts_catalogue.py

## bench-routing: 10,000 order lines routed across three distribution centres (SQLite, PostgreSQL)
bench-routing: install
	$(BIN)/python bench/order_routing.py

## bench-planner: the workshop planner (CP-SAT, 5 s) against the greedy dispatcher on days of 40, 120 and 300 jobs
bench-planner: install
	$(BIN)/python bench/planner.py

clean:
	rm -rf $(VENV) staticfiles .ruff_cache
