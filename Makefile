# dynamodb-restore-cdc: the commands a developer needs. `make help` lists them.
# Every Maven run goes through the reactor in parent/pom.xml: local-aws, the functions (root), cli, demo.
MVN ?= mvn -B -ntp
REACTOR := $(MVN) -f parent/pom.xml
JVM_ZIP := dist/function-jvm.zip
NATIVE_ZIP := dist/function-native.zip
# The Python interpreter of the local AWS (python3 when it has moto 5.2.1 and boto3, else a
# project-local venv made by local-aws/python-env); the emulator launcher reads RCDC_PYTHON.
PYTHON_ENV = RCDC_PYTHON="$$(local-aws/python-env)"
RUN_DEMO_MAIN = java -cp "$$(ls demo/target/dynamodb-restore-cdc-demo-*.jar | head -n 1):demo/target/lib/*"

.PHONY: help build native test clean demo bench bench-quick

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## Package everything: dist/function-jvm.zip (Lambda), the CLI (bin/restore-cdc), the local AWS (bin/local-aws), demo and bench
	$(REACTOR) package -DskipTests
	@echo "built $(JVM_ZIP), cli/target, local-aws/target, demo/target"

native: ## Package the native Lambda artefact (bootstrap) at dist/function-native.zip with a local GraalVM (glibc of this machine)
	$(REACTOR) package -DskipTests -Dnative -Dquarkus.native.enabled=true -pl :dynamodb-restore-cdc -am
	@unzip -l $(NATIVE_ZIP) | grep -q ' bootstrap$$' || { echo "$(NATIVE_ZIP) has no bootstrap" >&2; exit 1; }
	@echo "built $(NATIVE_ZIP)"

# Quarkus 3.33.2's default Mandrel builder image (UBI 9, glibc 2.34 like Lambda's provided.al2023),
# pinned so that a Quarkus upgrade changes it on purpose.
NATIVE_BUILDER_IMAGE ?= quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25

.PHONY: native-container
native-container: ## Package dist/function-native.zip in Quarkus' Mandrel builder container (needs Docker; what CI ships)
	$(MAKE) native MVN="$(MVN) -Dquarkus.native.container-build=true -Dquarkus.native.builder-image=$(NATIVE_BUILDER_IMAGE)"

test: ## Run every test on the local AWS (moto), the packaged artefact's end-to-end tests included
	@$(PYTHON_ENV) >/dev/null
	$(PYTHON_ENV) $(REACTOR) verify

clean: ## Remove build output
	$(REACTOR) clean -q
	rm -rf dist

demo: ## Play the whole restore story on the local AWS with the packaged functions, then verify it
	@$(PYTHON_ENV) >/dev/null
	$(REACTOR) -q package -DskipTests
	$(PYTHON_ENV) $(RUN_DEMO_MAIN) dev.restorecdc.demo.Demo

bench: ## Measure the production change path (session mode, latency proxy, catch-up); results.json, chart, README's table (about 8 min on 2 cores)
	@$(PYTHON_ENV) >/dev/null
	$(REACTOR) -q package -DskipTests
	$(PYTHON_ENV) $(RUN_DEMO_MAIN) $(BENCH_OPTS) dev.restorecdc.bench.Bench
	$(RUN_DEMO_MAIN) dev.restorecdc.bench.BenchTable target/bench/results.json README.md
	cp target/bench/chart.svg docs/bench.svg

bench-quick: ## A small bench run to check the bench itself (target/bench only; README and docs/bench.svg untouched)
	@$(PYTHON_ENV) >/dev/null
	$(REACTOR) -q package -DskipTests
	$(PYTHON_ENV) $(RUN_DEMO_MAIN) -Dbench.quick=true $(BENCH_OPTS) dev.restorecdc.bench.Bench

-include make/*.mk
