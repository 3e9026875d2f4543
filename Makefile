# lesionmtr — the two commands a user needs are `make demo` and `make test`.
PREFIX ?= /usr/local
SWIFT  ?= swift
BIN     = .build/release/lesionmtr

.PHONY: all deps build test demo bench install dist clean
VERSION = $(shell sed -n 's/.*toolVersion = "\(.*\)"/\1/p' Sources/LesionMTR/Tables/Provenance.swift)
DIST    = dist/lesionmtr-$(VERSION)-linux-x86_64.tar.gz

all: build

## deps: system packages (nifticlib, libdeflate) and the Python reference venv (.venv)
deps:
	scripts/install-deps.sh

## build: the release binary at .build/release/lesionmtr, with the Swift runtime and Foundation
## linked in: it starts in about 6 ms instead of 13, which counts once per subject in a batch
## (`make dist` also links the C libraries in, for cluster nodes)
build: deps
	$(SWIFT) build -c release --product lesionmtr --static-swift-stdlib

## test: everything CI runs (.ci/run calls this), cheap first: the Python reference's own tests,
## the Swift tests (which run the reference and compare, the bad-input corpus, the statsmodels
## comparison, and open the QC report in headless Chromium: its screenshot is kept in
## .build/qc-artifacts/), 60 s of libFuzzer on the NIfTI reader, the test suite once under
## AddressSanitizer, the model calibration on 20 simulated trials (release binary of `make dist`),
## then the cluster path on a real local Slurm with that binary (needs root)
test: deps
	.venv/bin/python -m pytest -q scripts/reference/test_reference.py
	$(SWIFT) build --build-tests
	LESIONMTR_REQUIRE_CHROMIUM=1 $(SWIFT) test
	scripts/ci/fuzz.sh 60
	SWIFT=$(SWIFT) scripts/ci/asan-test.sh $(ASAN_TEST_ARGS)
	$(MAKE) dist
	scripts/ci/model-calibration.sh .build-dist/release/lesionmtr
	scripts/ci/slurm-test.sh $(DIST)

## dist: a release binary with the Swift runtime and nifticlib/zlib/libdeflate linked statically,
## packed with the README, the documentation of the tables (docs/), the anatomy notice and the
## Slurm scripts, for cluster nodes without Swift; the tarball is checked to hold docs/tables.md
dist: deps
	rm -f .build-dist/release/lesionmtr
	LESIONMTR_STATIC_C=1 $(SWIFT) build -c release --product lesionmtr --scratch-path .build-dist --static-swift-stdlib
	rm -rf dist/stage && mkdir -p dist/stage/lesionmtr-$(VERSION)/slurm
	cp .build-dist/release/lesionmtr README.md dist/stage/lesionmtr-$(VERSION)/
	cp -R docs dist/stage/lesionmtr-$(VERSION)/docs
	cp sample-data/anatomy/NOTICE.md dist/stage/lesionmtr-$(VERSION)/ANATOMY-NOTICE.md
	cp scripts/slurm/* dist/stage/lesionmtr-$(VERSION)/slurm/
	tar -czf $(DIST) -C dist/stage lesionmtr-$(VERSION)
	rm -rf dist/stage
	tar -tzf $(DIST) | grep -qx 'lesionmtr-$(VERSION)/docs/tables.md' \
	  || { echo "dist: $(DIST) lacks docs/tables.md" >&2; rm -f $(DIST); exit 1; }
	@echo "dist: $(DIST)"

DEMO ?= demo-out

## demo: build, simulate a small two-arm trial on the bundled MNI anatomy, run the batch (with the QC
## report), show the per-subject outcome and the primary and lesion-level models
demo: build
	@echo "== lesionmtr info: the bundled MNI ICBM152 2009a anatomy"
	$(BIN) info sample-data/anatomy/t1.nii.gz
	@echo "== lesionmtr simulate: 16 subjects, 1 mm, baseline + 6 months, into $(DEMO)/trial"
	$(BIN) simulate --subjects 16 --seed 1 --force -o $(DEMO)/trial
	@echo "== lesionmtr batch: every subject, tables and the QC report into $(DEMO)/out"
	$(BIN) batch $(DEMO)/trial/manifest.tsv -o $(DEMO)/out --qc
	@echo "== per subject: arm, lesions, submedian lesions, and the primary outcome (submedian MTR change, pu)"
	@awk -F'\t' 'NR==1{for(i=1;i<=NF;i++)c[$$i]=i; print "subject\tarm\tn_lesions\tn_submedian\tdelta_submedian_mtr_m6"; next} \
	  {print $$c["subject"]"\t"$$c["arm"]"\t"$$c["n_lesions"]"\t"$$c["n_submedian"]"\t"$$c["delta_submedian_mtr_m6"]}' $(DEMO)/out/subjects.tsv
	@echo "== lesionmtr model --preset primary: the trial's primary analysis (ANCOVA; the simulated effect is 3 pu in WM rims)"
	$(BIN) model --preset primary $(DEMO)/out
	@echo "== lesionmtr model --preset lesion: lesion-level, by tissue class"
	$(BIN) model --preset lesion $(DEMO)/out
	@echo "== tables: $(DEMO)/out/lesions.tsv, subjects.tsv, bands.tsv (+ .json sidecars); QC report: $(DEMO)/out/qc/index.html; truth: $(DEMO)/trial/truth.json"

## bench: benchmarks and peer comparisons (installs the peers into .venv)
bench: build
	scripts/install-deps.sh --bench
	scripts/bench/kernels-vs-peers
	SKIP_BUILD=1 scripts/bench/stats-vs-peers
	SKIP_BUILD=1 scripts/bench/batch-throughput
	SKIP_BUILD=1 scripts/bench/qc-timing
	SKIP_BUILD=1 scripts/bench/model-calibration 100

## install: copy the release binary to $(PREFIX)/bin
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/lesionmtr

clean:
	rm -rf .build .build-dist .build-fuzz .build-asan dist
