# The few commands a person types. Each one sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ORACLE := $(VENV)/.oracle

.PHONY: setup setup-test key test snapshots bench fuzz docs messages clean

# Python packages into .venv (re-done only when pyproject.toml changes) and TeX when missing;
# the test set-up adds Debian's chromium for the browser test.
setup: $(STAMP)
	@ANSWERKEY_NO_BROWSER=1 scripts/ensure-system.sh
	@$(BIN)/python -m compileall -q generator  # start-up bytecode, even under PYTHONDONTWRITEBYTECODE

setup-test: $(ORACLE)
	@scripts/ensure-system.sh
	@$(BIN)/python -m compileall -q generator

$(STAMP): pyproject.toml generator/__init__.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' \
	    --config-settings editable_mode=compat  # a path in a .pth: no import hook at each start
	@touch $(STAMP)

# PyTorch, the tests' independent oracle, only for the tests (900 MB, 36 s here)
$(ORACLE): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,oracle]' \
	    --config-settings editable_mode=compat
	@touch $(ORACLE)

key: setup  ## the reference answer key into output/ift6135-a1/
	$(BIN)/answerkey build specs/ift6135-a1.yaml

test: setup-test  ## the whole suite
	$(BIN)/ruff check generator tests bench
	$(BIN)/python -m pytest -q

snapshots: setup-test  ## rewrite the golden files in tests/snapshots/ (review the diff!)
	$(BIN)/python -m pytest -q tests/test_snapshots.py --update-snapshots

bench: setup  ## speed ratios, each measured in one run
	$(BIN)/python bench/build.py
	$(BIN)/python bench/variants.py
	$(BIN)/python bench/autodiff.py
	$(BIN)/python bench/cluster.py --memory

fuzz: setup-test  ## longer property-based fuzzing than the suite runs
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests -k fuzz

docs: setup  ## the manual into site/ (docs/, generated kind pages; warnings are errors)
	$(BIN)/mkdocs build --strict

messages: setup  ## extract the fixed words into generator/locale/answerkey.pot and update each catalogue
	scripts/messages.sh

clean:
	rm -rf output site .pytest_cache .hypothesis
