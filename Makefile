# Front door: short names for the meson/ninja build.
#   make         build everything (release, warnings on)
#   make test    install missing packages, build, run the whole test suite
#   make run     build, start ptnet-server --echo pinned to CPU 0, drive it with
#                ptnet-load pinned to CPU 1 for ~10 s, print the report
#   make bench   ptnet vs the Boost.Asio and epoll peers, side by side
#   make fuzz    libFuzzer targets (clang, ASan+UBSan) in build-fuzz, each run
#                for FUZZ_SECONDS (default 60); not part of make test
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
FUZZ_SECONDS ?= 60
FUZZERS := fuzz_binary_codec fuzz_json_codec fuzz_framer

fuzz: deps
	@missing=""; \
	for p in clang libclang-rt-14-dev; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "fuzz: installing$$missing"; \
	  SUDO=""; if [ "$$(id -u)" -ne 0 ]; then SUDO="sudo"; fi; \
	  [ -n "$${PTNET_APT_UPDATED:-}" ] || $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@if [ ! -f $(FUZZ_BUILD)/build.ninja ]; then \
	  CXX=clang++ meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debugoptimized; \
	fi
	ninja -C $(FUZZ_BUILD) $(addprefix tests/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do \
	  corpus=$(FUZZ_BUILD)/corpus/$$f; mkdir -p $$corpus; \
	  extra=""; \
	  [ -d tests/fuzz/seeds/$$f ] && extra="tests/fuzz/seeds/$$f"; \
	  [ $$f = fuzz_json_codec ] && extra="$$extra -dict=tests/fuzz/json.dict"; \
	  echo "== $$f: $(FUZZ_SECONDS) s"; \
	  log=$(FUZZ_BUILD)/$$f.log; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    $(FUZZ_BUILD)/tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$f- $$corpus $$extra >$$log 2>&1; \
	  rc=$$?; \
	  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' $$log; \
	  if [ $$rc -ne 0 ]; then \
	    tail -40 $$log; echo "fuzz: $$f FAILED (rc $$rc); log $$log, reproducer $(FUZZ_BUILD)/$$f-*"; exit 1; \
	  fi; \
	done; echo "fuzz: all fuzzers ran $(FUZZ_SECONDS) s without a finding"

clean:
	rm -rf $(BUILD)
