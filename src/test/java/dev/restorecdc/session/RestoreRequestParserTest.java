package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreRequestParserTest {

    static final String ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

    static JsonNode detail(String fixture) throws IOException {
        return new ObjectMapper().readTree(Files.readString(Path.of("src/test/resources/events/cloudtrail-restore-" + fixture + ".json")))
                .get("detail");
    }

    @Test
    void latestRestorableRestoreByName() throws IOException {
        RestoreRequest request = RestoreRequestParser.parse(detail("by-name"), "orders", ARN);

        assertThat(request.latestRestorable()).isTrue();
        assertThat(request.requestedAt()).isEqualTo(Instant.parse("2026-11-25T13:00:05Z"));
        assertThat(request.targetTable()).isEqualTo("orders-restored-latest");
        assertThat(request.restorePoint()).isEmpty();
        assertThat(request.eventId()).isEqualTo("0b9a7f3c-5a1e-4d2b-8c6f-1e2d3c4b5a61");
    }

    @Test
    void explicitPointRestoreByArnReadsCloudTrailsDateFormat() throws IOException {
        RestoreRequest request = RestoreRequestParser.parse(detail("by-arn"), "orders", ARN);

        assertThat(request.latestRestorable()).isFalse();
        assertThat(request.targetTable()).isEqualTo("orders-restored-undo");
        assertThat(request.restorePoint()).contains(Instant.parse("2026-11-25T12:30:00Z"));
    }

    @Test
    void restorePointAlsoReadsIsoAndEpochSecondsAndGivesUpOnOtherText() {
        assertThat(RestoreRequestParser.parseLenient(new TextNode("2026-11-25T12:30:00.250Z")))
                .contains(Instant.parse("2026-11-25T12:30:00.250Z"));
        assertThat(RestoreRequestParser.parseLenient(new IntNode(1_795_000_000))).contains(Instant.ofEpochSecond(1_795_000_000));
        assertThat(RestoreRequestParser.parseLenient(new TextNode("1795000000.5"))).contains(Instant.ofEpochSecond(1_795_000_000, 500_000_000));
        assertThat(RestoreRequestParser.parseLenient(new TextNode("yesterday"))).isEqualTo(Optional.empty());
    }

    @Test
    void restorePointReadsEveryFormCloudTrailWrites() {
        Instant nine = Instant.parse("2026-11-25T09:00:00Z");
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026, 9:00:00 AM"))).contains(nine);
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026 9:00:00 AM"))).as("no comma after the year").contains(nine);
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026, 9:00:00\u202FAM"))).as("narrow no-break space (JDK 20+)").contains(nine);
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026 9:00:00\u202FAM"))).contains(nine);
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026, 9:00:00\u00A0am"))).as("no-break space, lower case").contains(nine);
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 5, 2026 12:30:00 PM"))).contains(Instant.parse("2026-11-05T12:30:00Z"));
        assertThat(RestoreRequestParser.parseLenient(new TextNode("Nov 25, 2026, 12:00:00 AM"))).contains(Instant.parse("2026-11-25T00:00:00Z"));
    }

    @Test
    void anUnreadableRestorePointIsAbsentNeverAnError() {
        for (String text : List.of("", "Nov 31, 2026, 9:00:00 AM", "25.11.2026 09:00", "1e999999999", "-1e30", "NaN")) {
            assertThat(RestoreRequestParser.parseLenient(new TextNode(text))).as(text).isEmpty();
        }
        assertThat(RestoreRequestParser.parseLenient(new com.fasterxml.jackson.databind.node.DecimalNode(new java.math.BigDecimal("1e40")))).isEmpty();
        assertThat(RestoreRequestParser.parseLenient(JsonNodeFactory.instance.objectNode())).isEmpty();
    }

    @Test
    void inAutoModeAnUnreadableRestoreDateNeverFailsTheSession() throws IOException {
        ObjectNode detail = (ObjectNode) detail("by-arn");
        ((ObjectNode) detail.get("requestParameters")).put("restoreDateTime", "Nov 25 2026 at nine");

        RestoreRequest request = RestoreRequestParser.parse(detail, "orders", ARN);

        assertThat(request.restorePoint()).isEmpty();
        assertThat(CaptureFloor.of(request, ReplayFromMode.AUTO, Optional.empty())).isEqualTo(request.requestedAt());
        assertThat(ReplayFromRule.settle(request, ReplayFromMode.AUTO, Optional.empty()).instant()).isEqualTo(request.requestedAt());
    }

    @Test
    void anotherTablesRestoreIsRejectedNamingBothTables() throws IOException {
        assertThatThrownBy(() -> RestoreRequestParser.parse(detail("other-table"), "orders", ARN))
                .hasMessageContaining("orders-archive").hasMessageContaining("not orders");
    }

    @Test
    void aFailedCallIsRejected() throws IOException {
        assertThatThrownBy(() -> RestoreRequestParser.parse(detail("failed"), "orders", ARN))
                .hasMessageContaining("TableAlreadyExistsException");
    }

    @Test
    void anotherApiIsRejected() throws IOException {
        assertThatThrownBy(() -> RestoreRequestParser.parse(detail("other-api"), "orders", ARN))
                .hasMessageContaining("RestoreTableFromBackup");
    }

    @Test
    void aRestoreCalledInAnotherRegionNamesItsTargetThereByArn() throws IOException {
        RestoreRequest request = RestoreRequestParser.parse(detail("other-region"), "orders", ARN);

        assertThat(request.targetRegion()).contains("eu-west-1");
        assertThat(request.targetTable()).isEqualTo("orders-restored-undo");
        assertThat(request.targetTableArnElsewhere(ARN)).contains("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restored-undo");
        assertThat(request.target(ARN)).isEqualTo("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restored-undo");
    }

    @Test
    void aSameRegionRestoreKeepsTheTargetsPlainName() throws IOException {
        RestoreRequest request = RestoreRequestParser.parse(detail("by-arn"), "orders", ARN);

        assertThat(request.targetRegion()).contains("us-east-1");
        assertThat(request.targetTableArnElsewhere(ARN)).isEmpty();
        assertThat(request.target(ARN)).isEqualTo("orders-restored-undo");
    }

    @Test
    void withoutAwsRegionTheRegionComesFromTheNewTablesArn() throws IOException {
        ObjectNode event = (ObjectNode) detail("other-region");
        event.remove("awsRegion");

        assertThat(RestoreRequestParser.parse(event, "orders", ARN).targetRegion()).contains("eu-west-1");
    }

    @Test
    void inAnotherRegionABareTableNameIsThatRegionsTableNotThisOne() {
        assertThatThrownBy(() -> RestoreRequestParser.parse(detail("other-region-by-name"), "orders", ARN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders in eu-west-1, not " + ARN);
    }
}
