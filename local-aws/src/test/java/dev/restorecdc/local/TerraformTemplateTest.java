package dev.restorecdc.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerraformTemplateTest {

    @Test
    void replacesVariablesAndUnescapesLiteralDollarAndPercentBraces() {
        String rendered = TerraformTemplate.render("t", "{\"a\": ${configuration}, \"b\": \"$${literal}\", \"c\": \"%%{x}\"}",
                Map.of("configuration", "{\"k\":1}"));

        assertThat(rendered).isEqualTo("{\"a\": {\"k\":1}, \"b\": \"${literal}\", \"c\": \"%{x}\"}");
    }

    @Test
    void anUnknownVariableFailsAsTerraformWould() {
        assertThatThrownBy(() -> TerraformTemplate.render("t", "${source_table_nmae}", Map.of("source_table_name", "x")))
                .hasMessageContaining("source_table_nmae");
    }

    @Test
    void theProjectsTemplatesRenderToJsonWithTheDeploymentsValues() {
        String pattern = TerraformTemplate.renderJson(TerraformTemplate.RESTORE_REQUESTED_PATTERN,
                Map.of("source_table_name", "orders", "source_table_arn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"));
        String machine = TerraformTemplate.renderJson(TerraformTemplate.STATE_MACHINE, Map.of("configuration", "{\"k\":1}"));

        assertThat(pattern).contains("\"orders\"").doesNotContain("${");
        assertThat(machine).contains("\"Result\": {\"k\":1}");
    }

    @Test
    void namePrefixFollowsTerraformsDefault() {
        String prefix = LocalDeployment.namePrefix("my.orders");

        assertThat(prefix).matches("rcdc-my-orders-[0-9a-f]{6}");
        assertThat(LocalDeployment.namePrefix("t".repeat(255))).hasSize("rcdc-".length() + 43 + 1 + 6);
    }
}
