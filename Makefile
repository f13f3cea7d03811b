# Symptom Database: `make run` to try the site, `make test` to run the test suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a local trial: debug on, with a secret key kept in .venv (never in the repo).
LOCAL := DJANGO_DEBUG=1 DJANGO_SECRET_KEY="$$(cat $(VENV)/secret_key)"

.PHONY: run serve test test-fast coverage vnu install lint format demo clean bench lock upgrade lighthouse

# The site and, beside it, the background worker (emails, reminders, link checks) that stops with it.
run: demo
	@echo "Serving Symptom Database on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@echo "Background worker started beside it: emails (printed below), reminders, link checks."
	@$(LOCAL) $(PY) manage.py worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(LOCAL) $(PY) manage.py runserver $(HOST):$(PORT)

# The production stack on one machine: DEBUG off, static files compressed and fingerprinted,
# migrations applied, gunicorn (workers: GUNICORN_WORKERS, default 2 x cores + 1) and a
# background worker beside it (`manage.py worker`; more with TASK_WORKERS).
# With nginx installed (NGINX=0 to go without), nginx answers on $(HOST):$(PORT) with
# deploy/nginx.conf and gunicorn listens on 127.0.0.1:$(APP_PORT) behind it, trusting only
# nginx to name the client; without nginx, gunicorn answers on $(HOST):$(PORT) itself.
# Database and cache come from DATABASE_URL and REDIS_URL; the secret key from DJANGO_SECRET_KEY,
# else the local one `make install` generated.
TASK_WORKERS ?= 1
NGINX ?= 1
APP_PORT ?= $(shell echo $$(($(PORT) + 1)))
NGINX_RUNTIME := $(VENV)/nginx-$(PORT)
serve: install
	@set -e; \
	export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(VENV)/secret_key)}"; \
	$(PY) manage.py collectstatic --no-input --verbosity 0; \
	$(PY) manage.py migrate --no-input; \
	$(PY) manage.py render_version_bodies; \
	pids=""; \
	trap 'kill $$pids 2>/dev/null; wait $$pids 2>/dev/null' EXIT; \
	trap 'exit 0' INT TERM; \
	if [ "$(NGINX)" = 1 ] && command -v nginx >/dev/null 2>&1; then \
	  runtime="$$(realpath -m $(NGINX_RUNTIME))"; mkdir -p "$$runtime"; \
	  sed -e "s|@RUNTIME@|$$runtime|g" -e "s|@LISTEN@|$(HOST):$(PORT)|g" \
	      -e "s|@UPSTREAM@|127.0.0.1:$(APP_PORT)|g" deploy/nginx.conf > "$$runtime/nginx.conf"; \
	  nginx -p "$$runtime" -c "$$runtime/nginx.conf" -e stderr -g 'daemon off;' & nginx_pid=$$!; pids="$$pids $$nginx_pid"; \
	  sleep 0.5; kill -0 $$nginx_pid 2>/dev/null || { echo "nginx did not start (see above); NGINX=0 runs without it" >&2; exit 1; }; \
	  export GUNICORN_BIND=127.0.0.1:$(APP_PORT) DJANGO_TRUSTED_PROXIES=127.0.0.1; \
	  echo "Serving Symptom Database (production settings) on http://$(HOST):$(PORT)/ through nginx (app on $$GUNICORN_BIND)"; \
	else \
	  export GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}"; \
	  echo "Serving Symptom Database (production settings) on http://$$GUNICORN_BIND/ (no nginx in front: slow clients can hold workers)"; \
	fi; \
	for n in $$(seq $(TASK_WORKERS)); do $(PY) manage.py worker --no-reload & pids="$$pids $$!"; done; \
	echo "$(TASK_WORKERS) background worker(s) beside it"; \
	$(VENV)/bin/gunicorn --config symptomdb/gunicorn.conf.py & pids="$$pids $$!"; \
	wait $$!

# The HTML checker (vnu, tests/validity) comes from npm, pinned, when npm is present.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: install
	@test -f $(VNU_JAR) || ! command -v npm >/dev/null 2>&1 || \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION)

test: install vnu
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# `make test` under coverage.py: the apps' branch coverage, below 90% fails (pyproject.toml).
coverage: install vnu
	$(VENV)/bin/coverage run -m pytest $(PYTEST_ARGS)
	$(VENV)/bin/coverage report

# The quick loop while coding (about 100 s): the suite without the tests marked `slow`
# (browsers, servers, subprocesses, transactional tests, thousands of rows); `make test` runs
# everything.
test-fast: install
	$(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

# The benchmark (bench/README.md): the site's pages against Django's floor, with wrk. Minutes.
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) bench/run.py

# Lighthouse (npm, pinned, installed into .venv/lighthouse; Debian's Chromium) on the home,
# article, author, A-Z and search pages under `make serve`: medians of 3 runs, and the failing
# audits of any score below 100 (bench/lighthouse.py). Five to seven minutes.
lighthouse: install
	$(PY) bench/lighthouse.py

# The checks pre-commit runs before each commit (`.venv/bin/pre-commit install` once), and CI.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 6.1

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 6.1 || true

install: $(INSTALLED)

# A Python >= 3.12: $(PYTHON) if given, else the first suitable interpreter on PATH or in pyenv.
$(PY):
	@set -e; \
	ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
	py=""; \
	for candidate in $(PYTHON) python3.14 python3.13 python3.12 python3 python; do \
	  if command -v "$$candidate" >/dev/null 2>&1 && ok "$$candidate"; then py="$$candidate"; break; fi; \
	done; \
	if [ -z "$$py" ] && command -v pyenv >/dev/null 2>&1; then \
	  for version in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
	    candidate="$$(pyenv root)/versions/$$version/bin/python3"; \
	    if [ -x "$$candidate" ] && ok "$$candidate"; then py="$$candidate"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "Symptom Database needs Python 3.12 or newer, and none was found." >&2; \
	  echo "Install one (e.g. 'apt-get install python3' on a recent Debian, or pyenv), or run: make PYTHON=/path/to/python3.12" >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)

# The locks (requirements.txt for production, requirements-dev.txt with the test tools) pin every
# package with its hashes; pyproject.toml lists what we depend on directly.
$(INSTALLED): requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@test -s $(VENV)/secret_key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(VENV)/secret_key
	@touch $@

# Regenerate both locks from pyproject.toml after changing a dependency there; `make upgrade`
# moves every pin, direct or not, to its latest release. Then run `make test`.
PIP_COMPILE = $(VENV)/tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: | $(PY)
	@test -x $(VENV)/tools/bin/pip-compile || { $(PY) -m venv $(VENV)/tools && \
	  $(VENV)/tools/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2; }
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) $(LOCK_ARGS) -o requirements.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) $(LOCK_ARGS) --extra dev -o requirements-dev.txt pyproject.toml

upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

demo: install
	@$(LOCAL) $(PY) manage.py migrate --no-input
	@$(LOCAL) $(PY) manage.py render_version_bodies
	@$(LOCAL) $(PY) manage.py load_demo_content
	@$(LOCAL) $(PY) manage.py create_demo_accounts
	@$(LOCAL) $(PY) manage.py load_demo_reviews

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
