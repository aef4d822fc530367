# Two commands on a fresh machine (see README):
#   make demo   sets up .venv and runs the main job on the bundled example song
#   make test   sets up .venv and runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch 2.14.1 is installed first and on its own, so the rest of the install keeps it. The tests also cover the
# madmom and Beat This! beat trackers, so their extras are installed too.
TORCH := torch==2.14.1 torchvision==0.29.1
OUT ?= out

.PHONY: setup demo test test-whisperx docs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e ".[test,madmom,beat-this]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/python examples/dream.py --out $(OUT) $(if $(MODEL),--model $(MODEL)) $(if $(OVERWRITE),--overwrite)

test: setup
	@[ -x /usr/bin/chromium ] || [ -n "$$BINARYDREAM_CHROMIUM" ] || command -v chromium >/dev/null || \
		echo "make test: no Chromium found, so the studio's browser tests will be skipped (apt-get install chromium)"
	$(BIN)/python -m pytest -q

test-whisperx:
	bash .ci/whisperx

# The documentation site into site/, as CI builds it: the docs extra into the venv, the gallery made afresh
# from the example song (docs/gallery.py, through docs/hooks.py), every warning an error.
docs: setup
	$(BIN)/python -m pip install -q -e ".[docs]"
	rm -rf build/docs-gallery
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict
