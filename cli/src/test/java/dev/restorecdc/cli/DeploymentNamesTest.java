package dev.restorecdc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The expected prefixes were computed with Terraform's recipe (python hashlib.sha1, the same digest). */
class DeploymentNamesTest {

    @Test
    void prefixIsRcdcTableNameAndSixHexOfItsSha1() {
        DeploymentNames names = DeploymentNames.forTable("orders");

        assertThat(names.prefix()).isEqualTo("rcdc-orders-965840");
        assertThat(names.controlTable()).isEqualTo("rcdc-orders-965840-control");
        assertThat(names.queue()).isEqualTo("rcdc-orders-965840-changes.fifo");
        assertThat(names.deadLetterQueue()).isEqualTo("rcdc-orders-965840-changes-dlq.fifo");
        assertThat(names.captureFunction()).isEqualTo("rcdc-orders-965840-capture");
        assertThat(names.replayFunction()).isEqualTo("rcdc-orders-965840-replay");
        assertThat(names.workflowFunction()).isEqualTo("rcdc-orders-965840-workflow");
        assertThat(names.restoreRule()).isEqualTo("rcdc-orders-965840-restore");
        assertThat(names.stateMachine()).isEqualTo("rcdc-orders-965840-session");
    }

    @Test
    void dotsBecomeDashesButTheHashIsOfTheRealName() {
        assertThat(DeploymentNames.forTable("my.app.table").prefix()).isEqualTo("rcdc-my-app-table-37a7c6");
    }

    @Test
    void longTableNamesAreCutSoEveryNameFitsAwsLimits() {
        DeploymentNames names = DeploymentNames.forTable("a".repeat(60) + ".x");

        assertThat(names.prefix()).isEqualTo("rcdc-" + "a".repeat(43) + "-6aa8c4");
        assertThat(names.workflowFunction()).hasSizeLessThanOrEqualTo(64);
        assertThat(names.deadLetterQueue()).hasSizeLessThanOrEqualTo(80);
    }
}
