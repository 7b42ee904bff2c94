# glasscage — the two commands of the README, and a few more.
#   make run    install what is missing, build, run the built-in default scenario
#   make test   install, build, run every test (also what CI runs)
BUILD ?= build
ARGS ?=

.PHONY: all deps test-deps build run test bench scenario-docs guide-shots clean

all: build

deps:
	@bash tools/install-deps.sh

test-deps:
	@bash tools/install-deps.sh --test

# The report's chart libraries, exactly as pinned in package-lock.json.
node_modules/.package-lock.json: package-lock.json | deps
	npm ci --no-audit --no-fund --loglevel=error

# The benchmarks' DuckDB peer (bench/package.json; see its description for why not npm ci).
bench/node_modules/.package-lock.json: bench/package-lock.json | deps
	npm install --prefix bench --no-audit --no-fund --loglevel=error

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: deps node_modules/.package-lock.json $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	./$(BUILD)/glasscage run $(ARGS)

test: test-deps build bench/node_modules/.package-lock.json
	bash tests/run-all.sh $(BUILD)

bench: build bench/node_modules/.package-lock.json
	bash bench/run.sh $(BUILD)

# docs/images/guide-*.png from the guide's own commands (headless Chromium)
guide-shots: test-deps build
	node tools/guide_shots.mjs $(BUILD)

scenario-docs: build
	python3 tools/scenario_doc.py $(BUILD) --all

clean:
	rm -rf $(BUILD) build-asan out
