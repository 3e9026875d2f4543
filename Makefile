# lesionmtr — the two commands a user needs are `make demo` and `make test`.
PREFIX ?= /usr/local
SWIFT  ?= swift
BIN     = .build/release/lesionmtr

.PHONY: all deps build test demo bench install clean

all: build

## deps: system packages (nifticlib, libdeflate) and the Python reference venv (.venv)
deps:
	scripts/install-deps.sh

## build: the release binary at .build/release/lesionmtr
build: deps
	$(SWIFT) build -c release --product lesionmtr

## test: everything CI runs (.ci/run calls this)
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

DEMO ?= demo-out

## demo: build, simulate a small two-arm trial on the bundled MNI anatomy and show it
demo: build
	@echo "== lesionmtr info: the bundled MNI ICBM152 2009a anatomy"
	$(BIN) info sample-data/anatomy/t1.nii.gz
	@echo "== lesionmtr simulate: 8 subjects, 1 mm, baseline + 6 months, into $(DEMO)/trial"
	$(BIN) simulate --subjects 8 --seed 1 -o $(DEMO)/trial
	@echo "== manifest ($(DEMO)/trial/manifest.tsv)"
	@cut -f1,7- $(DEMO)/trial/manifest.tsv
	$(BIN) info $(DEMO)/trial/sub-sim001/ses-base/anat/sub-sim001_ses-base_MTRmap.nii.gz

## bench: benchmarks and peer comparisons (installs the peers into .venv)
bench:
	scripts/install-deps.sh --bench
	@if [ -x scripts/bench/run-all ]; then scripts/bench/run-all; else echo "no benchmarks yet"; fi

## install: copy the release binary to $(PREFIX)/bin
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/lesionmtr

clean:
	rm -rf .build
