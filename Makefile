# ganbook — two commands: `make run` and `make test`. Everything else is a step they share.
#
#   make run     install missing system packages, fetch the data, build (release), start the notebook
#   make test    the same set-up, then the whole test suite (release build: the engine is numeric code);
#                FILTER=regex runs only the matching tests
#   make data    fetch and verify the datasets (FORCE=1 to fetch again)
#   make bench   the speed benchmark (see README, "Performance")
#   make install the notebook with its lessons and data under PREFIX (default ~/.local): `ganbook` from any folder

SHELL := /bin/bash
SWIFT ?= swift

# System packages the build links against (readline, OpenBLAS, zlib) and Fashion-MNIST; libsixel-bin decodes our sixel in a test.
APT_PACKAGES := libreadline-dev libopenblas-dev zlib1g-dev pkg-config python3 python3-pip libsixel-bin
APT_OPTIONAL := dataset-fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# On x86_64 with AVX2, let swiftc use AVX2 + FMA; without a target CPU it emits SSE2-only code
# and SIMD fused multiply-adds become library calls. Elsewhere, build plainly.
CPU_FLAGS := $(shell [ "$$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null \
               && echo "-Xswiftc -target-cpu -Xswiftc haswell")
BUILD_FLAGS := -c release $(CPU_FLAGS)
# The tests build in a folder of their own: `swift test` compiles every module with testing enabled
# (`@testable import`), `swift build` without, so one shared folder was rebuilt from scratch (minutes)
# at every switch between `make run` and `make test`. Two folders: each rebuild is incremental.
TEST_FLAGS := $(BUILD_FLAGS) --scratch-path .build-tests

PREFIX ?= $(HOME)/.local
SHARE := $(PREFIX)/share/ganbook

.PHONY: run test setup data build bench install uninstall clean

run: setup data build
	@$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/ganbook

# `swift test` builds everything, the ganbook executable too (the process tests run it).
# FILTER=LearnerStumble runs only the tests whose names match.
test: setup data
	$(SWIFT) test $(TEST_FLAGS) $(if $(FILTER),--filter '$(FILTER)')

build:
	$(SWIFT) build $(BUILD_FLAGS)

# Installs only what is missing, so a machine already set up runs no apt at all.
setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing system packages:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi; \
	for p in $(APT_OPTIONAL); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$p >/dev/null 2>&1 || \
	    echo "note: optional package $$p is not available; Fashion-MNIST will come from its mirrors"; \
	done

data:
	python3 datasets/fetch.py $(if $(FORCE),--force)

# Benchmarks unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in their own command only: set on these
# machines, they force OpenBLAS's AVX2 kernels at half speed. Tests and CI leave them alone.
# With TORCH_PY (a Python with torch) and REFERENCE_GAN (the PyTorch reference_gan.py; found by itself in
# the team's shared folder beside the checkout), side by side against PyTorch, alternated
# (bench/compare.py; ROUNDS=3, MNIST5K=mnist_5k.csv.gz for its data).
REFERENCE_GAN ?= $(wildcard ../shared/bench/reference_gan.py)
bench: setup data build
	@bin=$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/ganbook; \
	if [ -n "$(TORCH_PY)" ] && [ -n "$(REFERENCE_GAN)" ]; then \
	    python3 bench/compare.py --ganbook $$bin --torch-python "$(TORCH_PY)" --reference "$(REFERENCE_GAN)" \
	        --rounds $(or $(ROUNDS),3) $(if $(MNIST5K),--mnist5k "$(MNIST5K)"); \
	else \
	    if [ -n "$(TORCH_PY)" ]; then echo "TORCH_PY is set but no REFERENCE_GAN=path/to/reference_gan.py: ganbook's figures alone"; fi; \
	    for cfg in "--arch dcgan --batch 64" "--arch dcgan --batch 16" "--arch mlp --batch 64"; do \
	        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $$bin bench $$cfg --threads 2; \
	    done; \
	fi

# PREFIX/bin/ganbook finds its lessons and data in PREFIX/share/ganbook (Paths.swift); the data
# fetched so far is copied, so the installed notebook works offline; `ganbook data fetch` fills it up.
install: setup data build
	@bin=$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/ganbook; \
	install -d "$(PREFIX)/bin" "$(SHARE)/lessons" "$(SHARE)/datasets/data" && \
	install -m 755 "$$bin" "$(PREFIX)/bin/ganbook" && \
	install -m 644 lessons/*.md "$(SHARE)/lessons/" && \
	install -m 644 datasets/fetch.py datasets/README.md "$(SHARE)/datasets/" && \
	cp -R datasets/data/. "$(SHARE)/datasets/data/" && \
	echo "installed $(PREFIX)/bin/ganbook (lessons and data in $(SHARE))" && \
	case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on your PATH: add it, or run $(PREFIX)/bin/ganbook";; esac

uninstall:
	rm -f "$(PREFIX)/bin/ganbook"
	rm -rf "$(SHARE)"

clean:
	rm -rf .build .build-tests
