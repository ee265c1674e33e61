# Two commands do everything on a fresh machine:
#   make run    set up, redact the sample report for every profile, then serve the review UI with a sample case
#   make test   set up, then run the whole test suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DATA ?= data

.PHONY: setup system-deps run demo serve test test-fast bench score lint clean

$(BIN)/redactor: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/redactor

system-deps:
	sh scripts/system-deps.sh

setup: system-deps $(BIN)/redactor

demo: $(BIN)/redactor
	$(BIN)/redactor analyze samples/sample-learning-review.docx --format table
	for p in publication foi care-inspectorate; do \
	  $(BIN)/redactor redact samples/sample-learning-review.docx --profile $$p --register samples/sample-register.yaml -o out/$$p/ || exit 1; \
	done
	@echo "redacted copies, logs and the FOI schedule are in out/"

serve: $(BIN)/redactor
	$(BIN)/redactor serve --host $(HOST) --port $(PORT) --data-dir $(DATA) --sample

run: setup demo serve

test: setup
	$(BIN)/python -m pytest

test-fast: $(BIN)/redactor
	$(BIN)/python -m pytest -m "not slow and not browser"

bench: $(BIN)/redactor
	$(BIN)/python benchmarks/detection.py

score: $(BIN)/redactor
	$(BIN)/python benchmarks/devscore.py --formats txt,docx,pdf

lint: $(BIN)/redactor
	$(BIN)/ruff check redactor service tests benchmarks scripts

clean:
	rm -rf $(VENV) out .pytest_cache
