# Dockerfile.builder - the build environment: Debian with tracee's build
# dependencies (setup.sh). `make build DOCKER=1` (and bpf, all) run make inside
# it with the source tree mounted at its host path, so outputs land in dist/.
# Built by docker/build.sh from a context holding setup.sh only.
ARG BASE=tracee-test-base:bookworm
FROM ${BASE}
COPY setup.sh /usr/local/share/tracee/setup.sh
RUN /usr/local/share/tracee/setup.sh \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
