# ogmonitor — two commands for a new user: `make demo` and `make test`.
# Everything installs into .venv with uv; nothing outside the checkout is touched except
# Debian packages the tests need (chromium, poppler-utils…), installed with apt when missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2
# Debian packages: WeasyPrint's libraries and fonts for reports, poppler for checking PDFs,
# chromium for the browser tests.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS    := $(RUNTIME_DEBS) chromium poppler-utils
# wrk loads gunicorn in bench/bench_pages.py (PostgreSQL and Redis are used when they answer).
BENCH_DEBS   := wrk

.PHONY: demo run test bench lint messages compilemessages install install-test system-deps-test system-deps-bench clean help

help:
	@echo "make demo   - install, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test tools (and Debian's chromium) and run the whole suite"
	@echo "make bench  - run the benchmarks under bench/"
	@echo "make run    - serve without reloading demo data"
	@echo "make lint   - ruff"

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(PY) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(UV) pip install --quiet --python $(PY) -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Compiled with Babel (a dependency), so a machine without GNU gettext can build the catalogues.
compilemessages: $(VENV)/.installed
	$(PY) -m ogmonitor.lib.compile_messages ogmonitor/locale

# Extract strings into the .po files (needs GNU gettext: apt-get install gettext).
messages: $(VENV)/.installed
	cd ogmonitor && ../$(PY) ../manage.py makemessages -l az -l en -l ru --no-obsolete --add-location file -i 'static/vendor/*'

system-deps-test:
	@missing=$$(for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: $(VENV)/.installed compilemessages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo "Serving ogmonitor on http://$(HOST):$(PORT)/ — stop with Ctrl+C"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

run: $(VENV)/.installed compilemessages
	$(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test system-deps-test compilemessages
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "Model changes without migrations: run manage.py makemigrations"; exit 1)
	$(PY) -m ogmonitor.lib.check_translations ogmonitor/locale
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

system-deps-bench:
	@missing=$$(for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

bench: $(VENV)/.installed-test system-deps-bench
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check ogmonitor bench

clean:
	rm -rf $(VENV) var test-output .hypothesis .schemathesis
