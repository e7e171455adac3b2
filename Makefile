# Makefile - a thin wrapper over CMake (see CMakeLists.txt).
#   make build   dist/tracee and its build plugin dist/tracee-build.so
#   make bpf     dist/tracee.bpf.<kernel>.<version>.o for the running kernel,
#                or for KERN_RELEASE with KERN_HEADERS
#   make all     both;  make run: build and trace;  make test: every test (sanitize included)
#   make sanitize  the suite under ASan+UBSan;  make fuzz: the libFuzzer targets
#   make docker, make docker-slim   the full and slim images (docker/)
#   make deb     dist/tracee_<version>_<arch>.deb (docker/deb.sh)
#   DOCKER=1     build, bpf and all run inside the builder image; outputs still land in dist/
BUILD_DIR ?= build
DIST_DIR  ?= $(CURDIR)/dist
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: build bpf all run test sanitize fuzz clean docker docker-slim docker-builder deb
ifeq ($(DOCKER),1)
# The same make, inside the builder image (docker/Dockerfile.builder): the tree,
# the build and dist dirs and any kernel headers mounted at their host paths.
DOCKER_BUILDER ?= tracee-builder:latest
DOCKER_HDRS = $(wildcard /lib/modules /usr/src) $(if $(KERN_HEADERS),$(dir $(abspath $(KERN_HEADERS))))
build bpf all: docker-builder
	mkdir -p $(BUILD_DIR)/docker $(DIST_DIR)
	docker run --rm --network none --user $$(id -u):$$(id -g) -w $(CURDIR) \
	  $(foreach d,$(sort $(CURDIR) $(abspath $(BUILD_DIR)) $(abspath $(DIST_DIR))),-v $(d):$(d)) \
	  $(foreach d,$(DOCKER_HDRS),-v $(d):$(d):ro) $(DOCKER_BUILDER) \
	  make $@ BUILD_DIR=$(abspath $(BUILD_DIR))/docker DIST_DIR=$(abspath $(DIST_DIR)) JOBS=$(JOBS) \
	  $(if $(KERN_RELEASE),KERN_RELEASE=$(KERN_RELEASE)) $(if $(KERN_HEADERS),KERN_HEADERS=$(abspath $(KERN_HEADERS)))
else
build:
	cmake -S . -B $(BUILD_DIR) -DTRACEE_DIST_DIR=$(DIST_DIR) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

bpf: build
	$(if $(KERN_RELEASE),KERN_RELEASE=$(KERN_RELEASE)) $(if $(KERN_HEADERS),KERN_HEADERS=$(KERN_HEADERS)) \
	  $(DIST_DIR)/tracee --build-only --build-policy always --install-path $(DIST_DIR)

all: build bpf
endif

# The images (docker/build.sh: a Debian base made by test/docker/engine.sh
# unless BASE_IMAGE names one, then `docker build --network host`).
DOCKER_IMAGE ?= tracee:latest
DOCKER_IMAGE_SLIM ?= tracee:slim
docker: build
	DIST_DIR=$(DIST_DIR) docker/build.sh full $(DOCKER_IMAGE)
docker-slim: build
	DIST_DIR=$(DIST_DIR) docker/build.sh slim $(DOCKER_IMAGE_SLIM)
docker-builder:
	docker/build.sh builder $(or $(DOCKER_BUILDER),tracee-builder:latest)

# The Debian package: tracee, its plugin, man page, completion, systemd unit.
deb: build
	DIST_DIR=$(DIST_DIR) docker/deb.sh

run: build
	$(DIST_DIR)/tracee $(ARGS)

# Every test: the suite, then the suite again under the sanitizers.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure
	$(MAKE) sanitize

# The whole suite again with ASan + UBSan (tests labelled heavy excepted: they
# rebuild or boot other trees and gain nothing from it).
sanitize:
	cmake -S . -B build-asan -DTRACEE_DIST_DIR=$(CURDIR)/dist-asan -DTRACEE_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -LE heavy

fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) test/fuzz/run.sh

clean:
	rm -rf $(BUILD_DIR) $(DIST_DIR) build-asan dist-asan build-fuzz
