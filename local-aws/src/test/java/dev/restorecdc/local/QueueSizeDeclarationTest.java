package dev.restorecdc.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's Terraform check for the queue size where no terraform binary runs (CI runs
 * terraform/tests/queue.tftest.hcl too): both queues take 1 MiB from the one shared value, and the
 * provider is new enough to accept it. A queue left at the provider's default takes 256 KiB only.
 */
class QueueSizeDeclarationTest {

    private static final Path ROOT = Emulator.projectRoot();

    @Test
    void sharedValueIsOneMebibyte() {
        assertThat(DeploymentValues.defaults().integer("queue.max_message_size")).isEqualTo(1_048_576);
    }

    @Test
    void sharedRedriveOutlastsTwelveHoursOfThrottling() {
        DeploymentValues values = DeploymentValues.defaults();
        int visibility = Math.max(values.integer("queue.visibility_timeout_seconds"), 6 * values.integer("replay.timeout_seconds"));
        assertThat((long) values.integer("queue.max_receive_count") * visibility).isGreaterThanOrEqualTo(12 * 3600);
    }

    @Test
    void bothQueuesTakeTheSharedMaximumMessageSize() throws IOException {
        String queue = Files.readString(ROOT.resolve("terraform/modules/queue/main.tf"));
        assertThat(resource(queue, "dlq")).containsPattern("max_message_size\\s*=\\s*var\\.max_message_size");
        assertThat(resource(queue, "this")).containsPattern("max_message_size\\s*=\\s*var\\.max_message_size");
        String root = Files.readString(ROOT.resolve("terraform/main.tf"));
        assertThat(root).containsPattern("max_message_size\\s*=\\s*local\\.queue_settings\\.max_message_size");
    }

    @Test
    void providerIsAtLeastTheFirstReleaseThatAcceptsOneMebibyte() throws IOException {
        for (String file : new String[] {"terraform/versions.tf", "terraform/modules/queue/versions.tf"}) {
            Matcher version = Pattern.compile("version\\s*=\\s*\"~>\\s*(\\d+)\\.(\\d+)\"")
                    .matcher(Files.readString(ROOT.resolve(file)));
            assertThat(version.find()).as(file).isTrue();
            assertThat(Integer.parseInt(version.group(1)) * 1000 + Integer.parseInt(version.group(2)))
                    .as(file + ": aws provider 6.8.0 first accepts max_message_size 1048576").isGreaterThanOrEqualTo(6008);
        }
    }

    private static String resource(String hcl, String name) {
        int start = hcl.indexOf("resource \"aws_sqs_queue\" \"" + name + "\"");
        assertThat(start).as("aws_sqs_queue." + name).isNotNegative();
        int end = hcl.indexOf("\nresource ", start + 1);
        return hcl.substring(start, end < 0 ? hcl.length() : end);
    }
}
