package dev.restorecdc.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourcePolicyRetargetTest {

    static final String SOURCE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    static final String TARGET = "arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored";

    @Test
    void tableAndSubResourceArnsMoveToTheTargetOtherTablesStay() {
        String policy = "{\"Resource\":[\"" + SOURCE + "\",\"" + SOURCE + "/index/*\",\"" + SOURCE + "-archive\"]}";

        assertThat(TableSettingsCopier.retarget(policy, SOURCE, TARGET))
                .isEqualTo("{\"Resource\":[\"" + TARGET + "\",\"" + TARGET + "/index/*\",\"" + SOURCE + "-archive\"]}");
    }
}
