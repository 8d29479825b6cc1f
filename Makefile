# Välkommen: the same commands locally and in CI. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 3
export RASA_TELEMETRY_ENABLED := false

.PHONY: posters test-container image help install system-packages image train run chat telegram web test unit validate content-check translations-export translations-import eval retention report bench audit lint clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## Create .venv with Python 3.10 and install the pinned dependencies
	@scripts/setup.sh

system-packages: ## Debian packages the tests need (Chromium, Redis, PostgreSQL, nginx)
	@scripts/system-packages.sh

image: train ## Container image localhost/valkommen:dev (Containerfile; local base from Debian + Python 3.10; rebuilt only when its content changed)
	@scripts/image.sh

train: install ## Train the model if data, config or NLU code changed
	@scripts/train.sh

run: train ## Start Rasa + action server + widget demo pages on localhost (Ctrl-C stops all)
	@scripts/run.sh

chat: install ## Talk to the running assistant in the terminal
	@. scripts/env.sh && $(PY) -m valkommen.channels.terminal --url http://localhost:$${RASA_PORT}

web: install ## Only the demo meeting-place pages with the widget (talks to a Rasa started elsewhere)
	@. scripts/env.sh && echo "  http://localhost:$${WEB_PORT}/" && $(PY) -m valkommen.channels.web.serve --port $${WEB_PORT} --rasa-url $${RASA_URL:-http://localhost:$${RASA_PORT}}

telegram: install ## Only the Telegram bot (needs TELEGRAM_BOT_TOKEN; talks to a Rasa started elsewhere)
	@. scripts/env.sh && $(PY) -m valkommen.channels.telegram.app

validate: install ## rasa data validate (domain, rules and NLU data)
	@. scripts/env.sh && $(VENV)/bin/rasa data validate --config config.yml --domain domain.yml --data nlu_data --fail-on-warnings

content-check: install ## Per language: missing, unreviewed and stale answers, broken placeholders; facts read long ago
	@. scripts/env.sh && $(PY) -m tools.content_check

translations-export: install ## One PO file per language for translators: results/translations/<code>.po (LANG_ARGS="--lang ar")
	@. scripts/env.sh && $(PY) -m tools.translations export $(LANG_ARGS)

translations-import: install ## Read a reviewed PO file back: make translations-import FILE=ar.po [REVIEWER="Name" DATE=YYYY-MM-DD]
	@test -n "$(FILE)" || { echo "usage: make translations-import FILE=path/to/<code>.po" >&2; exit 2; }
	@. scripts/env.sh && $(PY) -m tools.translations import "$(FILE)" $(if $(REVIEWER),--reviewer "$(REVIEWER)") $(if $(DATE),--date $(DATE))

eval: train ## Score NLU on the held-out set vs Rasa's default pipeline (results/eval.md; EVAL_ARGS="--default-epochs 30")
	@. scripts/env.sh && $(PY) -m tools.evaluation --project-model "$$MODEL_PATH" $(EVAL_ARGS)

retention: install ## Delete tracker events older than RETENTION_DAYS (default 21); the Rasa server also runs it daily
	@. scripts/env.sh && $(PY) -m valkommen.server.retention --endpoints endpoints.yml

posters: install ## Printable A4 posters per meeting place with QR codes to the bot and the page (results/posters/)
	@. scripts/env.sh && $(PY) -m tools.posters $(POSTER_ARGS)

report: install ## Follow-up report (HTML + CSV) from the tracker store into results/report/ (REPORT_ARGS="--lang en")
	@. scripts/env.sh && $(PY) -m valkommen.stats $(REPORT_ARGS)

bench: install ## Load: 1/20/50 users vs Rasa's default (results/bench.md); worst-case texts; cost by conversation length
	@. scripts/env.sh && $(PY) -m bench.load $(BENCH_ARGS)
	@. scripts/env.sh && $(PY) -m bench.worst_case
	@. scripts/env.sh && $(PY) -m bench.conversation_length

lint: install ## ruff (lint + format check) and mypy on valkommen/ and actions/; CI runs it before the tests
	@scripts/lint.sh

audit: ## Known vulnerabilities in the pinned dependencies (pip-audit; decisions in docs/security.md)
	@scripts/audit.sh

unit: install ## Every test that needs no server, browser or model (pytest -m unit)
	@. scripts/env.sh && $(PY) -m pytest tests -q -m unit

test: system-packages train image ## Every test: unit, end-to-end, browser, scale-out, and the image with the Kubernetes manifests played with podman
	@. scripts/env.sh && $(PY) -m pytest tests -q

test-container: image ## Only the container run: the image and the Kubernetes manifests played with podman (tests/deploy)
	@. scripts/env.sh && $(PY) -m pytest tests/deploy -q -m container

clean: ## Remove models and runtime data (keeps .venv)
	rm -rf models var .pytest_cache
