# Paisa: the two commands a new user needs are `make run` and `make test`.
#
#   make run       serve on 127.0.0.1:$(PORT), with an embedded PostgreSQL unless DATABASE_URL is set
#   make test      the whole suite against a real PostgreSQL: the Swift tests, then the official Stripe SDK
#                  (pinned, in a Python venv the suite creates) against a live server
#                  and schemathesis checking the live server against its OpenAPI document
#   make unit      the tests that need no database (domain, idempotency layer, wire, load generator), in seconds
#   make lint      the code against .swift-format, and docs/api-reference.md against docs/openapi.json
#   make key       print a fresh test secret key for the default account, alone on stdout
#   make bench     release build, then pgbench as the reference and paisa-load against Paisa on the same
#                  database; writes docs/bench/latest.md and latest.json
#   make chaos     the fault scenarios at full length (kills, database restarts, two instances, injected faults,
#                  a slow processor), the fuzz tests with many more cases and schemathesis with many more
#                  examples; `make test` runs them short
#   make db-stop   stop the embedded PostgreSQL;  make db-clean  also delete its files
#
# Settings (environment or make variables): PORT (8080), DATABASE_URL (embedded cluster when unset),
# PAISA_PG_PORT (54329, the embedded cluster's port), RATE_LIMIT_TEST (1000: `make run`'s test-mode rate limit).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PORT ?= 8080
export PORT
DB := scripts/db.sh
BIN := .build/debug

.PHONY: run test unit lint chaos bench key build db-up db-stop db-clean

build:
	swift build --product paisa

# The database URL: the one given, or the embedded cluster's `paisa` database (started on demand).
DEV_URL = $${DATABASE_URL:-$$($(DB) url paisa)}

# `make run` is where local load tests start, so test mode admits 1,000 requests/s per account and kind there
# (Stripe's 25/s is `paisa serve`'s own default: `make run RATE_LIMIT_TEST=25` gives it).
RATE_LIMIT_TEST ?= 1000

run: build
	@url="$(DEV_URL)"; \
	DATABASE_URL="$$url" $(BIN)/paisa migrate; \
	DATABASE_URL="$$url" $(BIN)/paisa bootstrap; \
	limit="$${PAISA_RATE_LIMIT_TEST:-$(RATE_LIMIT_TEST)}"; \
	echo "Serving on http://127.0.0.1:$(PORT), test mode limited to $$limit requests/s per account and kind (Ctrl-C stops; \`make db-stop\` stops the database)"; \
	DATABASE_URL="$$url" PAISA_RATE_LIMIT_TEST="$$limit" exec $(BIN)/paisa serve

key:
	@swift build --product paisa >&2
	@url="$(DEV_URL)"; \
	DATABASE_URL="$$url" $(BIN)/paisa migrate >&2; \
	DATABASE_URL="$$url" $(BIN)/paisa bootstrap >&2; \
	DATABASE_URL="$$url" $(BIN)/paisa keys create

lint:
	swift format lint --strict --recursive Sources Tests Package.swift
	python3 scripts/api-reference.py --check

# The Python venvs are made (first time, or when a requirements file changed) while Swift builds.
test: lint
	@mkdir -p .paisa; scripts/venvs.sh > .paisa/venvs.log 2>&1 & venvs=$$!; \
	built=0; scripts/timed.sh "the build" scripts/build-quietly.sh || built=$$?; \
	wait $$venvs || { cat .paisa/venvs.log >&2; echo "make test: the Python venvs could not be made" >&2; exit 1; }; \
	exit $$built
	scripts/settings-table.py --check
	@url=$$($(DB) url paisa_test); \
	DATABASE_URL="$$url" $(BIN)/paisa migrate; \
	PAISA_TEST_DATABASE_URL="$$url" scripts/timed.sh "the Swift tests" swift test --skip-build; \
	scripts/timed.sh "the Stripe SDK suite" scripts/sdk-tests.sh "$$url"; \
	scripts/timed.sh "schemathesis" scripts/schemathesis.sh "$$url"
	scripts/timed.sh "the scenarios" scripts/scenarios.py --short

# The targets that need no PostgreSQL: a scripted store stands in where the idempotency layer needs one.
UNIT_TARGETS := PaymentsTests|WireTests|PaisaLoadTests

unit:
	swift build --build-tests
	swift test --skip-build --filter '$(UNIT_TARGETS)'

# Fuzz cases for `make chaos` (make test runs the suite's default).
FUZZ_CASES ?= 20000

bench:
	swift build -c release --product paisa
	swift build -c release --product paisa-load
	scripts/bench.py

chaos:
	swift build --build-tests
	@url=$$($(DB) url paisa_test); \
	DATABASE_URL="$$url" $(BIN)/paisa migrate; \
	PAISA_TEST_DATABASE_URL="$$url" PAISA_FUZZ_CASES=$(FUZZ_CASES) swift test --skip-build --filter Fuzz; \
	scripts/schemathesis.sh "$$url" --long
	scripts/scenarios.py --json .paisa/scenarios/chaos.json

db-up:
	@$(DB) up

db-stop:
	@$(DB) stop

db-clean:
	@$(DB) clean
