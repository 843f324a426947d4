# Two commands a newcomer needs: `make demo` and `make test`. Both install exactly the locked
# set (uv.lock) into .venv first; uv itself is bootstrapped with pip from uv-bootstrap.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_ENV := .venv-uv
UV     := $(UV_ENV)/bin/uv
export SCORECAST_TOKEN ?= demo-token
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint venv lock upgrade serve clean package cluster

$(UV): uv-bootstrap.txt
	$(PYTHON) -m venv $(UV_ENV)
	$(UV_ENV)/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r uv-bootstrap.txt
	touch $@

# The locked set, every time (a no-op in a few milliseconds when nothing changed).
venv: $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) -q

demo: venv
	$(BIN)/scoreboard --demo

# Three NATS JetStream servers and three broadcaster nodes on one journal, on loopback
# (deploy/cluster.py, docs/scaling.md); Ctrl-C stops them all. ARGS="--free-ports" etc.
cluster: venv
	$(BIN)/python deploy/cluster.py $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# After editing pyproject.toml's dependencies: relock what changed, then prove it.
lock: $(UV)
	$(UV) lock --python $(PYTHON)
	$(MAKE) test

# On purpose, now and then: every package to its newest allowed release, then prove it.
upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)
	$(MAKE) test

# Standalone programs (PyInstaller): dist/scoreboard/ and dist/broadcaster/; with ONEFILE=1
# one file each in dist/onefile/. See docs/packaging.md.
package: venv
	$(BIN)/python packaging/build.py $(if $(filter 1,$(ONEFILE)),--onefile)

clean:
	rm -rf $(VENV) $(UV_ENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
