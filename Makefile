# The two set-up commands of the README: `make main` (the main job) and `make test`.
# Both create .venv and install vner into it first; torch comes first as the CPU build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
VNER := $(BIN)/vner
TORCH_VERSION ?= 2.13.0

.PHONY: setup main test lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# A plain `torch` requirement would pull the multi-GB CUDA build: take the CPU wheel first.
	$(BIN)/pip install torch==$(TORCH_VERSION)
	$(BIN)/pip install -e '.[train,dev]'
	touch $@

# The main job on the embedded default: validate the gold seeds (later: train, evaluate, export, tag).
main: setup
	$(VNER) validate seeds/gold.jsonl

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check vner model training serving tests benchmarks seeds

clean:
	rm -rf $(VENV) runs
