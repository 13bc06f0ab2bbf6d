# A new user needs only Python 3.11 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= claimcheck.db
OUT ?= out

.PHONY: venv run test dev-check bench lint typecheck train-ner schema docs clean

# The environment: pinned dependencies first, then the project itself without resolving
# anything again, so a fresh clone gets exactly requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Read the demo drop (seeds/), store it in $(DB), write $(OUT)/report.json and report.md.
run: $(STAMP)
	$(BIN)/claimcheck run seeds/ --db $(DB) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

# Quality on real reports may only go up (tests/test_dev_floors.py): score the development
# stories, kept outside the repository, against tests/data/dev_floors.json.
# make dev-check DEV_GOLD=path/to/dev-gold.json DEV_ARTICLES=path/to/dev
DEV_GOLD ?=
DEV_ARTICLES ?=
dev-check: $(STAMP)
	@test -n "$(DEV_GOLD)" -a -n "$(DEV_ARTICLES)" || { echo "set DEV_GOLD and DEV_ARTICLES"; exit 2; }
	CLAIMCHECK_DEV_GOLD="$(DEV_GOLD)" CLAIMCHECK_DEV_ARTICLES="$(DEV_ARTICLES)" $(BIN)/python -m pytest -q tests/test_dev_floors.py

# Batch benchmark (docs/benchmarks.md, section "Batch benchmark"): one big story (the
# seed reports copied BENCH_STORY times each) and synthetic drops of 1k, 10k and 100k
# articles, in build/bench (its own extraction cache in build/bench/cache); each size
# also runs a drop of 100 more articles three times on copies of its store. The 100k
# size takes about half an hour, and up to 15 minutes more for its lookups. Smoke run:
# make bench BENCH_SIZES=1000 BENCH_STORY=20; stop a run after 35 minutes and report how
# far it got: make bench BENCH_ARGS="--cap-minutes 35". A drop written by another version
# of the generator (or with another gazetteer) is written again.
BENCH_SIZES ?= 1000,10000,100000
BENCH_STORY ?= 200
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m checker.bench.run_bench --sizes $(BENCH_SIZES) --story-copies $(BENCH_STORY) $(BENCH_ARGS) --write docs/benchmarks.md

lint: $(STAMP)
	$(BIN)/ruff check claims checker tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Regenerate the committed JSON Schemas (a test fails when they drift from the code).
schema: $(STAMP)
	$(BIN)/python -m checker.schema_export docs/schema

# Regenerate the CLI reference from the argument parser (a test checks it against --help).
docs: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from checker.cli import cli_reference; Path('docs/cli.md').write_text(cli_reference(), encoding='utf-8')"

# Statistical Arabic NER shipped in claims/ner_model (docs/ner-model.md). Reads the open
# corpora from $(DATA); one CPU thread, low priority; about 15 minutes of one core.
DATA ?= ../shared/data
NER_BUILD ?= build/ner
train-ner: $(STAMP)
	$(BIN)/pip install --quiet -r requirements-train.lock
	$(BIN)/python -m checker.ner_training.convert --data $(DATA) --out $(NER_BUILD)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 $(BIN)/python -m checker.ner_training.train \
		checker/ner_training/ner.cfg --data $(NER_BUILD) --out $(NER_BUILD)/model
	$(BIN)/python -m checker.ner_training.ship $(NER_BUILD)/model claims/ner_model --manifest $(NER_BUILD)/manifest.json --check $(NER_BUILD)/dev.spacy
	$(BIN)/python -m checker.ner_training.evaluate --model claims/ner_model --data $(NER_BUILD) --json $(NER_BUILD)/eval.json --seeds seeds

clean:
	rm -rf $(VENV) $(OUT) $(DB) $(DB)-wal $(DB)-shm $(DB).lock
