# dynamodb-restore-cdc: the commands a developer needs. `make help` lists them.
MVN ?= mvn -B -ntp
JVM_ZIP := dist/function-jvm.zip
NATIVE_ZIP := dist/function-native.zip

.PHONY: help build native test clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## Package the JVM Lambda artefact at dist/function-jvm.zip
	$(MVN) package -DskipTests
	@echo "built $(JVM_ZIP)"

native: ## Package the native Lambda artefact (bootstrap) at dist/function-native.zip with a local GraalVM (glibc of this machine)
	$(MVN) package -DskipTests -Dnative -Dquarkus.native.enabled=true
	@unzip -l $(NATIVE_ZIP) | grep -q ' bootstrap$$' || { echo "$(NATIVE_ZIP) has no bootstrap" >&2; exit 1; }
	@echo "built $(NATIVE_ZIP)"

# Quarkus 3.33.2's default Mandrel builder image (UBI 9, glibc 2.34 like Lambda's provided.al2023),
# pinned so that a Quarkus upgrade changes it on purpose.
NATIVE_BUILDER_IMAGE ?= quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25

.PHONY: native-container
native-container: ## Package dist/function-native.zip in Quarkus' Mandrel builder container (needs Docker; what CI ships)
	$(MAKE) native MVN="$(MVN) -Dquarkus.native.container-build=true -Dquarkus.native.builder-image=$(NATIVE_BUILDER_IMAGE)"

test: ## Run every test on the local AWS emulator (moto), including the packaged artefact's
	$(MVN) verify

clean: ## Remove build output
	$(MVN) clean -q
	rm -rf dist


TEST_CLASSPATH := target/test-classpath.txt
RUN_TEST_MAIN = java -cp target/test-classes:target/classes:$$(cat $(TEST_CLASSPATH))

.PHONY: demo bench
demo: ## Play the whole restore story on the local emulator with the packaged functions, then verify it
	$(MVN) -q package -DskipTests
	$(MVN) -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CLASSPATH)
	$(RUN_TEST_MAIN) dev.restorecdc.demo.Demo

bench: ## Measure the change path against raw SDK baselines; writes target/bench/results.json and chart.svg
	$(MVN) -q package -DskipTests
	$(MVN) -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CLASSPATH)
	$(RUN_TEST_MAIN) dev.restorecdc.bench.Bench

-include make/*.mk
