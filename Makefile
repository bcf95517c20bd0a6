# The commands that matter. `make run` starts the app; `make test` runs every test.
.PHONY: run test lint typecheck format check bench install-check

run:
	scripts/run

test:
	scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

check:
	.venv/bin/python -m scoring check

bench:
	.venv/bin/python bench/run_all.py

install-check:
	scripts/check-install
