# dynamodb-restore-cdc: the commands a developer needs. `make help` lists them.
MVN ?= mvn -B -ntp
JVM_ZIP := dist/function-jvm.zip
NATIVE_ZIP := dist/function-native.zip

.PHONY: help build native test clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## Package the JVM Lambda artefact at dist/function-jvm.zip
	$(MVN) package -DskipTests
	mkdir -p dist && cp target/function.zip $(JVM_ZIP)
	@echo "built $(JVM_ZIP)"

native: ## Package the native Lambda artefact (bootstrap) at dist/function-native.zip (needs GraalVM)
	$(MVN) package -DskipTests -Dnative -Dquarkus.native.enabled=true
	mkdir -p dist && cp target/function.zip $(NATIVE_ZIP)
	@unzip -l $(NATIVE_ZIP) | grep -q ' bootstrap$$' || { echo "$(NATIVE_ZIP) has no bootstrap" >&2; exit 1; }
	@echo "built $(NATIVE_ZIP)"

test: ## Run every test on the local AWS emulator (moto), including the packaged artefact's
	$(MVN) verify

clean: ## Remove build output
	$(MVN) clean -q
	rm -rf dist

-include make/*.mk
