# Thin wrapper over CMake. Every target installs what it needs first, so each
# works from a bare checkout on a fresh Debian 12 machine.
#
#   make build   build/bin/{rampartd,rampart,rampart-idl}
#   make test    every fuzz target (clang, ASan/UBSan), then the unit, golden and
#                interop tests under g++ ASan/UBSan, then all of them in the
#                ordinary build
#   make run     start rampartd on loopback port 135 (as root it switches to
#                RUN_USER, default nobody, once bound)
#   make install cmake --install into PREFIX (default /usr/local; DESTDIR too)
#   make deb     build/rampart_VERSION_ARCH.deb (prefix /usr, systemd units enabled)
#   make bench   benchmarks (see BENCHMARKS.md)
#   make fuzz    every fuzz target for FUZZ_SECONDS (default 60) each
#
# Dependencies come in profiles (scripts/install-deps): build and run install
# only the compiler and libraries; test and fuzz add the interop peers and
# clang; bench adds the profilers.

BUILD        ?= build
FUZZ_BUILD   ?= build-fuzz
ASAN_BUILD   ?= build-asan
JOBS         ?= $(shell nproc)
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 12
PREFIX       ?= /usr/local
RUN_USER     ?= nobody
# rampartd refuses to keep root (rampartd(8), PRIVILEGES): as root, make run
# names a user that exists on every Debian system to switch to.
RUN_ARGS     ?= --listen 127.0.0.1:135 --listen [::1]:135 $(if $(filter 0,$(shell id -u)),--user $(RUN_USER))

.PHONY: all deps deps-test deps-bench build test unit-test asan-test asan-build fuzz-test fuzz fuzz-build run install deb bench clean

all: build

deps:
	@scripts/install-deps --quiet build

deps-test:
	@scripts/install-deps --quiet test

deps-bench:
	@scripts/install-deps --quiet bench

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

unit-test: deps-test build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(FUZZ_BUILD)/build.ninja:
	CXX=clang++-19 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DRAMPART_FUZZ=ON -DRAMPART_TESTS=OFF -DRAMPART_BENCH=OFF -DRAMPART_APPS=OFF

fuzz-build: deps-test $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz-test: fuzz-build
	cmake -S . -B $(FUZZ_BUILD) -DFUZZ_SECONDS=$(TEST_FUZZ_SECONDS) >/dev/null
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS) -L fuzz

# The whole ctest suite (unit, golden, replays, interop against an ASan-built
# rampartd) with AddressSanitizer and UndefinedBehaviorSanitizer; any report
# aborts the process and fails its test.
$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE=ON -DRAMPART_BENCH=OFF

asan-build: deps-test $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

asan-test: asan-build
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The ordinary build goes last so that the last summary printed is the full suite's.
test: fuzz-test asan-test unit-test

fuzz: fuzz-build
	cmake -S . -B $(FUZZ_BUILD) -DFUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS) -L fuzz

run: build
	$(BUILD)/bin/rampartd $(RUN_ARGS)

# The prefix is set at configure time: the unit files and the configuration
# path are written with it.
install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

# A Debian package (build/rampart_VERSION_ARCH.deb) of the tree configured for /usr.
deb: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && cpack -G DEB

bench: deps-bench build
	scripts/run-bench

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(ASAN_BUILD)
