# make lint: the checks that can run without terraform, AWS or a GitHub runner.
# Self-contained: installs the pinned npm tools from tools/lint/package-lock.json into
# tools/lint/node_modules (ignored by git) and runs tools/lint/lint.mjs. Needs node >= 20 and npm.
# Include it from the top-level Makefile (include make/lint.mk) and run make from the repository root.

# Remember whether the including Makefile already has a default goal, so that including this
# file first does not make `lint` the default.
LINT_PREVIOUS_DEFAULT_GOAL := $(.DEFAULT_GOAL)

LINT_DIR := tools/lint
LINT_STAMP := $(LINT_DIR)/node_modules/.installed

.PHONY: lint
lint: $(LINT_STAMP)
	node $(LINT_DIR)/lint.mjs

$(LINT_STAMP): $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	npm ci --prefix $(LINT_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

ifeq ($(LINT_PREVIOUS_DEFAULT_GOAL),)
.DEFAULT_GOAL :=
endif
