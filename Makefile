# fupin: the two commands are `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_DB ?= var/demo.db
DEMO_COUNTY ?= 620422
DEMO_HOUSEHOLDS ?= 3000

.PHONY: setup build test run bench fuzz format clean

setup:
	@scripts/setup

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd web && npm run --silent build

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# `make run DB=postgresql`: the same demo on a local PostgreSQL started for it (scripts/demo-postgres).
run: build
ifeq ($(DB),postgresql)
	@scripts/demo-postgres $(DEMO_COUNTY) $(DEMO_HOUSEHOLDS)
else
	@scripts/demo $(DEMO_DB) $(DEMO_COUNTY) $(DEMO_HOUSEHOLDS)
endif

bench: build
	bench/import/run

# libFuzzer targets (clang) in build-fuzz/, each run for FUZZ_SECONDS (default 60); see fuzz/.
fuzz: setup
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) fuzz/run

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc')

clean:
	rm -rf $(BUILD)
