# Front door: short names for the meson/ninja build.
#   make         build everything (release, warnings on)
#   make test    install missing packages, build, run the whole test suite
#   make run     build, start ptnet-server --echo pinned to CPU 0, drive it with
#                ptnet-load pinned to CPU 1 for ~10 s, print the report
#   make bench   ptnet vs the Boost.Asio and epoll peers, side by side
#   make fuzz    libFuzzer targets (clang, ASan+UBSan) in build-fuzz, each run
#                for FUZZ_SECONDS (default 60); not part of make test (scripts/fuzz.sh)
BUILD ?= build
MESON_FLAGS ?=
ifeq ($(CI),true)
MESON_FLAGS += -Dwerror=true
endif

.PHONY: all deps configure test run bench micro fuzz clean

all: configure
	ninja -C $(BUILD)

deps:
	@scripts/deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then meson setup $(BUILD) $(MESON_FLAGS); fi

test: all
	@scripts/test.sh $(BUILD)

run: all
	@scripts/run.sh $(BUILD)

bench: all
	@python3 bench/run_bench.py --build $(BUILD)

micro: all
	$(BUILD)/bench/micro/ptnet-micro

FUZZ_BUILD ?= build-fuzz
export FUZZ_SECONDS FUZZERS

fuzz: deps
	@scripts/fuzz.sh $(FUZZ_BUILD)

clean:
	rm -rf $(BUILD)
