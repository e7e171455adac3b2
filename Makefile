# Makefile - a thin wrapper over CMake (see CMakeLists.txt).
#   make build   dist/tracee and its build plugin dist/tracee-build.so
#   make bpf     dist/tracee.bpf.<kernel>.<version>.o for the running kernel,
#                or for KERN_RELEASE with KERN_HEADERS
#   make all     both;  make run: build and trace;  make test: every test
BUILD_DIR ?= build
DIST_DIR  ?= $(CURDIR)/dist
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: build bpf all run test clean
build:
	cmake -S . -B $(BUILD_DIR) -DTRACEE_DIST_DIR=$(DIST_DIR) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

bpf: build
	$(if $(KERN_RELEASE),KERN_RELEASE=$(KERN_RELEASE)) $(if $(KERN_HEADERS),KERN_HEADERS=$(KERN_HEADERS)) \
	  $(DIST_DIR)/tracee --build-only --build-policy always --install-path $(DIST_DIR)

all: build bpf

run: build
	$(DIST_DIR)/tracee $(ARGS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure

clean:
	rm -rf $(BUILD_DIR) $(DIST_DIR)
