# Two commands a newcomer needs: `make demo` and `make test` (both create .venv first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
export SCORECAST_TOKEN ?= demo-token

.PHONY: demo test lint serve clean package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(BIN)/scoreboard --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Standalone programs (PyInstaller): dist/scoreboard/ and dist/broadcaster/; with ONEFILE=1
# one file each in dist/onefile/. See docs/packaging.md.
package: $(STAMP)
	$(BIN)/python packaging/build.py $(if $(filter 1,$(ONEFILE)),--onefile)

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
