# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first
# (scripts/install-deps.sh, silent when nothing is), configure once, and build with every core.
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
LISTEN     ?= 0.0.0.0:8080
DATA_DIR   ?= data

.PHONY: run test build deps configure bench format clean

run: build
	mkdir -p $(DATA_DIR)
	./$(BUILD_DIR)/knooppunt serve --listen $(LISTEN) --database sqlite:$(DATA_DIR)/knooppunt.db \
	  --data-dir $(DATA_DIR) --seed-demo-if-empty

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

deps:
	@scripts/install-deps.sh

# Configures only once: later builds let CMake re-run itself when a CMakeLists.txt changes.
configure: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || \
	  cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

# Not part of `make test`: it takes a minute and wants a quiet machine (see bench/README.md).
bench: build
	bench/home.sh

format:
	find src tests fuzz bench \( -name '*.cpp' -o -name '*.h' \) -not -path '*/node_modules/*' -print0 | \
	  xargs -0 -r clang-format -i

clean:
	rm -rf $(BUILD_DIR)
