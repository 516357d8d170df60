# One Makefile for people and CI. `make help` lists the targets.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help venv run test test-at bench lint format migrate demo clean vendor-js

help:
	@echo "make run     set up, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test    set up, run the whole suite on PostgreSQL (a throwaway one unless DATABASE_URL answers)"
	@echo "make test-at CLOCK='2026-12-31 23:30'  the same, with the machine's clock at CLOCK (Johannesburg; needs faketime)"
	@echo "make bench   seed 1,000,000 hours-log rows on a throwaway PostgreSQL, measure, print (bench/HISTORY.md)"
	@echo "make lint    ruff check + ruff format --check + mypy"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make clean   remove the virtualenv, caches and the SQLite file"
	@echo "make vendor-js  fetch Workbox and idb-keyval (pinned) with npm into static/vendor/ (committed)"

# Re-installs whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	touch $@

venv: $(BIN)/.installed

# The development server: DEBUG on, SQLite unless DATABASE_URL is set.
run: export DEBUG ?= true
# The alert checks every minute: a capture's effect shows within the minute.
run: export ALERTS_CHECK_MINUTES ?= 1
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_billing
	@# The job worker (issue 15) beside the web server, stopped with it.
	$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# pytest-xdist workers: each has its own test database; the tests that start servers
# or Chromium share one worker (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
PYTEST_XDIST   := -n $(PYTEST_WORKERS)

test: venv
	scripts/with-postgres $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The suite on any day of the year (issue 9): every process it starts, PostgreSQL
# included, sees the clock at CLOCK, a Johannesburg time, ticking from there.
# libfaketime is needed (apt-get install -y faketime); CI runs `make test` on the real clock.
test-at: venv
	@test -n "$(CLOCK)" || { echo "usage: make test-at CLOCK='YYYY-MM-DD HH:MM'"; exit 2; }
	scripts/at-clock "$(CLOCK)" scripts/with-postgres $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The performance bench (issue 6): its own databases on a throwaway PostgreSQL unless
# DATABASE_URL answers; writes bench/results.json. BENCH_ARGS=--record appends the
# table to bench/HISTORY.md.
bench: venv
	scripts/with-postgres $(BIN)/python -m bench $(BENCH_ARGS)

# mypy's Django plugin loads the settings, which want a secret key; it is never used.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint-only-not-secret $(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) *.egg-info build .pytest_cache .ruff_cache .mypy_cache .hypothesis db.sqlite3 staticfiles

# The offline capture's libraries (issue 13), pinned: npm installs them in a throwaway
# folder and their built files, maps and licences are copied to static/vendor/<lib>-<version>/,
# which is committed, so CI and `make run` need no npm. Change a version here, run
# `make vendor-js`, update the versioned paths (attendance_project/offline.py, templates),
# commit the new folder.
WORKBOX_VERSION    := 7.4.1
IDB_KEYVAL_VERSION := 6.3.0
WORKBOX_MODULES    := workbox-core workbox-routing workbox-strategies workbox-precaching
vendor-js:
	@command -v npm >/dev/null || { echo "npm not found (apt-get install -y npm)"; exit 1; }
	set -e; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	workbox=static/vendor/workbox-$(WORKBOX_VERSION); idb=static/vendor/idb-keyval-$(IDB_KEYVAL_VERSION); \
	echo '{"private": true}' > "$$work/package.json"; \
	npm install --prefix "$$work" --no-audit --no-fund --ignore-scripts --save-exact \
		workbox-sw@$(WORKBOX_VERSION) workbox-window@$(WORKBOX_VERSION) \
		$(foreach m,$(WORKBOX_MODULES),$(m)@$(WORKBOX_VERSION)) idb-keyval@$(IDB_KEYVAL_VERSION); \
	modules="$$work/node_modules"; \
	rm -rf "$$workbox" "$$idb"; mkdir -p "$$workbox" "$$idb"; \
	cp "$$modules"/workbox-sw/build/workbox-sw.js* \
		"$$modules"/workbox-window/build/workbox-window.prod.umd.js* \
		$(foreach m,$(WORKBOX_MODULES),"$$modules"/$(m)/build/$(m).prod.js*) \
		"$$modules"/workbox-sw/LICENSE "$$workbox"/; \
	cp "$$modules"/idb-keyval/dist/umd.js "$$modules"/idb-keyval/LICENCE "$$idb"/; \
	ls -l "$$workbox" "$$idb"
