package dev.restorecdc.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `bin/local-aws deploy`'s work: Terraform's refusals, Terraform's outputs, and a second deploy that changes nothing twice. */
class LocalDeploymentTest {

    private static Emulator emulator;
    private static LocalClients aws;

    @BeforeAll
    static void start() {
        emulator = Emulator.start();
        aws = new LocalClients(emulator.endpoint());
    }

    @AfterAll
    static void stop() {
        aws.close();
        emulator.close();
    }

    @Test
    void aTableWithoutAStreamOrWithoutPointInTimeRecoveryIsRefusedWithTerraformsReason() {
        aws.dynamo().createTable(r -> r.tableName("plain").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
        assertThatThrownBy(() -> LocalDeployment.deploy(aws, "plain", DeploymentValues.defaults()))
                .isInstanceOf(DeploymentRefusedException.class)
                .hasMessage("Table plain has no stream. Enable one first: aws dynamodb update-table --table-name plain "
                        + "--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES");

        LocalAws.createSourceTable(aws, "nopitr", "pk");
        aws.dynamo().updateContinuousBackups(r -> r.tableName("nopitr").pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)));
        assertThatThrownBy(() -> LocalDeployment.deploy(aws, "nopitr", DeploymentValues.defaults()))
                .isInstanceOf(DeploymentRefusedException.class)
                .hasMessageStartingWith("Table nopitr has point-in-time recovery off");

        assertThatThrownBy(() -> LocalDeployment.deploy(aws, "absent", DeploymentValues.defaults()))
                .isInstanceOf(DeploymentRefusedException.class)
                .hasMessageContaining("Table absent does not exist");
    }

    /** restore_regions as Terraform deploys it: a forwarding rule in each other region, CDC_RESTORE_REGIONS for the functions. */
    @Test
    void restoreRegionsGetARuleForwardingToTheHomeBusWithARole() {
        LocalAws.createSourceTable(aws, "ledger", "pk");
        Deployment deployment = LocalDeployment.deploy(aws, "ledger", DeploymentValues.defaults()
                .with("restore_regions", java.util.List.of("eu-west-1", LocalClients.REGION.id())));

        String rule = deployment.namePrefix() + "-restore-fwd";
        try (LocalClients west = new LocalClients(emulator.endpoint(), software.amazon.awssdk.regions.Region.EU_WEST_1)) {
            var target = west.events().listTargetsByRule(r -> r.rule(rule)).targets();
            assertThat(target).hasSize(1);
            assertThat(target.get(0).arn()).isEqualTo("arn:aws:events:" + LocalClients.REGION.id() + ":" + LocalClients.ACCOUNT
                    + ":event-bus/default");
            assertThat(target.get(0).roleArn()).endsWith(":role/" + deployment.namePrefix() + "-forward");
            String pattern = west.events().describeRule(r -> r.name(rule)).eventPattern();
            assertThat(pattern).contains(deployment.sourceTableArn()).doesNotContain("\"ledger\"");
        }
        assertThat(aws.events().listRules(r -> r.namePrefix(rule)).rules()).as("none in the home region").isEmpty();
        assertThat(aws.lambda().getFunction(r -> r.functionName(deployment.namePrefix() + "-workflow")).configuration()
                .environment().variables()).containsEntry("CDC_RESTORE_REGIONS", "eu-west-1");
    }

    @Test
    void deployingAgainIsSafeAndTheOutputsAreTerraformsKeys() {
        LocalAws.createSourceTable(aws, "orders", "pk");
        Deployment first = LocalDeployment.deploy(aws, "orders", DeploymentValues.defaults());
        aws.lambda().updateEventSourceMapping(r -> r.uuid(first.captureMappingUuid()).enabled(true));

        Deployment second = LocalDeployment.deploy(aws, "orders", DeploymentValues.defaults().with("session.caught_up_poll_seconds", 1));

        assertThat(second.outputs()).isEqualTo(first.outputs());
        assertThat(first.outputs().fieldNames()).toIterable().as("the root module's outputs (terraform/outputs.tf)")
                .containsExactlyInAnyOrderElementsOf(terraformOutputs());
        assertThat(aws.lambda().listEventSourceMappings(r -> r.functionName(first.captureFunctionName())).eventSourceMappings())
                .as("one capture mapping, still enabled: a deploy leaves the state alone as Terraform's ignore_changes does")
                .singleElement().satisfies(m -> assertThat(m.state()).isEqualTo("Enabled"));
        assertThat(aws.sfn().describeStateMachine(r -> r.stateMachineArn(second.stateMachineArn())).definition())
                .as("the second deploy's values reach the state machine").contains("\"caught_up_poll_seconds\":1");
        assertThat(aws.events().listTargetsByRule(r -> r.rule(second.ruleName())).targets())
                .singleElement().satisfies(t -> assertThat(t.arn()).isEqualTo(second.stateMachineArn()));
        assertThat(aws.events().describeRule(r -> r.name(second.namePrefix() + "-session-ended")).eventPattern())
                .as("the cleanup rule: this state machine's executions that ended without their own cleanup")
                .contains(second.stateMachineArn()).contains("\"FAILED\"").contains("\"TIMED_OUT\"").contains("\"ABORTED\"");
        assertThat(aws.events().listTargetsByRule(r -> r.rule(second.namePrefix() + "-session-ended")).targets())
                .singleElement().satisfies(t -> {
                    assertThat(t.arn()).isEqualTo(second.workflowFunctionArn());
                    assertThat(t.inputTransformer().inputTemplate()).startsWith("{\"action\":\"cleanup\",\"config\":{")
                            .contains("\"caught_up_poll_seconds\":1").endsWith("\"execution\":<detail>}");
                });
    }

    private static List<String> terraformOutputs() {
        try {
            String file = Files.readString(Emulator.projectRoot().resolve("terraform/outputs.tf"));
            return Pattern.compile("(?m)^output \"([a-z_]+)\"").matcher(file).results().map(m -> m.group(1)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
