# glasscage — the two commands of the README, and a few more.
#   make run    install what is missing, build, run the built-in default scenario
#   make test   install, build, run every test (also what CI runs)
BUILD ?= build
ARGS ?=

.PHONY: all deps build run test bench scenario-docs clean

all: build

deps:
	@bash tools/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	./$(BUILD)/glasscage run $(ARGS)

test: build
	bash tests/run-all.sh $(BUILD)

bench: build
	bash bench/run.sh $(BUILD)

scenario-docs: build
	python3 tools/scenario_doc.py $(BUILD) --all

clean:
	rm -rf $(BUILD) build-asan out
