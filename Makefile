# The two set-up commands of the README: `make main` (the main job) and `make test`.
# Both create .venv and install vner into it first; torch comes first as the CPU build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
VNER := $(BIN)/vner
TORCH_VERSION ?= 2.13.0

.PHONY: setup main test browser default-model lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# A plain `torch` requirement would pull the multi-GB CUDA build: take the CPU wheel first.
	$(BIN)/pip install torch==$(TORCH_VERSION)
	$(BIN)/pip install -e '.[train,dev,ray]'
	touch $@

ARTICLE ?= seeds/000_483d9ad60788fe5b.txt
NEWS := ../shared/data/news_gov_unlabeled.jsonl.gz
# With the unlabeled news beside the project, the tiny model also learns from 400 articles of silver
# labels (the weak labeller's), 3 epochs; without it, from the seeds alone (30 epochs).
ifneq ($(wildcard $(NEWS)),)
SILVER := runs/silver.jsonl
TINY_SILVER := --set data.silver=$(SILVER) --set data.silver_max_docs=400 --set training.epochs=3
endif
# A half-written file never passes for a finished one.
.DELETE_ON_ERROR:

# Silver labels of the unlabeled news, made again whenever the rules change.
runs/silver.jsonl: model/rules.py model/gazetteers.py $(VENV)/.installed
	$(VNER) label $(NEWS) -o $@

# The main job, offline: validate the gold seeds; build the tiny PhoBERT; weak-label the news (when it
# is there); train the tiny config on the seeds (+ silver); evaluate with seqeval; export to ONNX
# (parity-checked); tag an article with it and with the model shipped in the package; show the
# tagged article.
main: setup $(SILVER)
	$(VNER) validate seeds/gold.jsonl
	$(BIN)/python -m vner.training.tiny_phobert --corpus seeds --output runs/tiny-phobert
	$(VNER) train --config configs/tiny.yaml $(TINY_SILVER)
	$(VNER) evaluate --model runs/tiny --data seeds/gold.jsonl
	$(VNER) tag $(ARTICLE) --model runs/tiny/onnx -o runs/tagged-tiny.jsonl
	$(VNER) tag $(ARTICLE) -o runs/tagged.jsonl
	$(VNER) show runs/tagged.jsonl

test: setup browser
	$(BIN)/python -m pytest

# The HTML view's test renders pages in a real headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The model shipped in the package, rebuilt from scratch (1.5 to 2.5 hours on 2 cores): silver labels of
# the unlabeled news, MLM pretraining of a small PhoBERT on the same news (two stages: 2,500 steps, then
# 2,000 more with a fresh schedule), fine-tuning, INT8 export.
default-model: setup runs/silver.jsonl
	test -f runs/pretrained/pretrain_summary.json || $(BIN)/python -m vner.training.pretrain --corpus $(NEWS) \
		--output runs/pretrained --steps 2500 --vocab-size 8000
	test -f runs/pretrained-2/pretrain_summary.json || $(BIN)/python -m vner.training.pretrain --corpus $(NEWS) \
		--output runs/pretrained-2 --continue-from runs/pretrained --steps 2000 --learning-rate 3e-4
	$(VNER) train --config configs/default.yaml --set output.export_onnx=false
	$(VNER) export --model runs/default --output serving/default_model --int8-only

lint: setup
	$(BIN)/ruff check vner model training serving tests benchmarks seeds

clean:
	rm -rf $(VENV) runs
