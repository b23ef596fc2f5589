package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.restorecdc.cdc.Changes.JSON;
import static dev.restorecdc.cdc.Changes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeCodecTest {

    private final ChangeCodec codec = new ChangeCodec(JSON);

    @Test
    void bodyRoundTripsAndCarriesNoOldImage() {
        ChangeEvent change = Changes.put("a", 1, "v1");

        String body = codec.encode(change);

        assertThat(codec.decode(body)).isEqualTo(change);
        assertThat(json(body).has("oldImage")).isFalse();
        assertThat(json(body).get("v").asInt()).isEqualTo(2);
    }

    @Test
    void aModifyBodyCarriesWhatChangedAndTheOldImageDigestNeverTheOldImage() {
        ObjectNode oldImage = json("{\"pk\":{\"S\":\"a\"},\"price\":{\"N\":\"5\"},\"note\":{\"S\":\"" + "x".repeat(300_000) + "\"}}");
        ObjectNode newImage = json("{\"pk\":{\"S\":\"a\"},\"price\":{\"N\":\"4\"}}");
        ChangeEvent change = Changes.modify("a", 1, oldImage, newImage);

        String body = codec.encode(change);

        assertThat(json(body).get("changed")).hasToString("[\"price\"]");
        assertThat(json(body).get("removed")).hasToString("[\"note\"]");
        assertThat(json(body).get("oldImageDigest").asText()).isEqualTo(CanonicalForm.digest(oldImage)).hasSize(64);
        assertThat(body).doesNotContain("xxxx");
        assertThat(codec.decode(body)).isEqualTo(change);
    }

    @Test
    void aSchemaOneBodyStaysReadableAndHasNoDelta() {
        String v1 = "{\"v\":1,\"eventName\":\"MODIFY\",\"keys\":{\"pk\":{\"S\":\"a\"}},\"newImage\":{\"pk\":{\"S\":\"a\"},"
                + "\"value\":{\"S\":\"v1\"}},\"approximateCreationDateTime\":\"2026-11-25T10:00:01Z\",\"sequenceNumber\":\"1\","
                + "\"eventId\":\"event-1\",\"changed\":[\"value\"],\"oldImageDigest\":\"ignored-in-v1\"}";

        ChangeEvent change = codec.decode(v1);

        assertThat(change.newImage().get("value").get("S").asText()).isEqualTo("v1");
        assertThat(change.delta()).as("version 1 knew no delta: replayed as a whole image").isNull();
    }

    @Test
    void deleteRoundTripsWithoutImage() {
        ChangeEvent change = Changes.delete("a", 2);

        assertThat(codec.decode(codec.encode(change))).isEqualTo(change);
    }

    @Test
    void largeBodyIsCompressedUnderTheQueueLimitAndComesBackWhole() {
        // 400 KB of quotes: escaped in JSON it would be 800 KB, over the limit with the rest.
        String quotes = "\"".repeat(400 * 1024);
        ChangeEvent change = Changes.put("big", 3, quotes);

        String body = codec.encode(change);

        assertThat(ChangeCodec.utf8Length(body)).isLessThan(ChangeQueue.MAX_BATCH_BYTES);
        assertThat(json(body).get("encoding").asText()).isEqualTo("gzip+base64");
        assertThat(codec.decode(body)).isEqualTo(change);
    }

    @Test
    void incompressible400KbBinaryStillFits() {
        byte[] random = new byte[400 * 1024];
        new Random(7).nextBytes(random);
        var image = Changes.key("bin");
        image.set("blob", json("{\"B\":\"" + java.util.Base64.getEncoder().encodeToString(random) + "\"}"));
        ChangeEvent change = new ChangeEvent("e", EventName.INSERT, Changes.key("bin"), image, Changes.T0, "1", null);

        String body = codec.encode(change);

        assertThat(ChangeCodec.utf8Length(body)).isLessThan(ChangeQueue.MAX_BATCH_BYTES - 1024);
        assertThat(codec.decode(body)).isEqualTo(change);
    }

    @Test
    void unknownSchemaVersionIsRejectedNamingTheField() {
        assertThatThrownBy(() -> codec.decode("{\"v\":0,\"eventName\":\"INSERT\"}"))
                .isInstanceOf(MalformedChangeException.class).isNotInstanceOf(NewerSchemaException.class)
                .hasMessageContaining("'v'").hasMessageContaining("unknown schema version");
    }

    @Test
    void newerSchemaVersionIsToldApartSoReplayRetriesIt() {
        assertThatThrownBy(() -> codec.decode("{\"v\":3,\"eventName\":\"INSERT\"}"))
                .isInstanceOf(NewerSchemaException.class).hasMessageContaining("'v'").hasMessageContaining("newer");
    }

    @Test
    void charactersSqsRefusesAreEscapedAndComeBackExactly() {
        var image = Changes.key("k\uFFFF");
        image.putObject("text\uFFFE").put("S", "a\uFFFEb\uFFFFc \uFFFD \uD83D\uDE00 \u0001 tab\t");
        image.putObject("list").putArray("SS").add("\uFFFF").add("x\uFFFE");
        ChangeEvent change = new ChangeEvent("e", EventName.INSERT, Changes.key("k\uFFFF"), image, Changes.T0, "1", null);

        String body = codec.encode(change);

        assertThat(body.codePoints()).allMatch(ChangeCodec::sqsAllows);
        assertThat(body).contains("\\uFFFE").contains("\\uFFFF").contains("\uD83D\uDE00");
        assertThat(codec.decode(body)).isEqualTo(change);
        assertThat(codec.decode(body).newImage().get("text\uFFFE").get("S").asText()).isEqualTo("a\uFFFEb\uFFFFc \uFFFD \uD83D\uDE00 \u0001 tab\t");
    }

    @Test
    void incompressibleBodyIsSentAsItIsBecauseWrappingWouldMakeItLarger() {
        byte[] random = new byte[200 * 1024];
        new Random(11).nextBytes(random);
        var image = Changes.key("bin");
        image.set("blob", json("{\"B\":\"" + java.util.Base64.getEncoder().encodeToString(random) + "\"}"));
        ChangeEvent change = new ChangeEvent("e", EventName.INSERT, Changes.key("bin"), image, Changes.T0, "1", null);

        String body = codec.encode(change);

        assertThat(json(body).has("encoding")).isFalse();
        assertThat(codec.decode(body)).isEqualTo(change);
    }

    @Test
    void aBodyThatShrinksWhenCompressedIsCompressed() {
        ChangeEvent change = Changes.put("text", 4, "abc".repeat(40_000));

        String body = codec.encode(change);

        assertThat(json(body).get("encoding").asText()).isEqualTo("gzip+base64");
        assertThat(body.length()).isLessThan(10_000);
        assertThat(codec.decode(body)).isEqualTo(change);
    }

    @Test
    void bodyThatIsNotJsonIsRejected() {
        assertThatThrownBy(() -> codec.decode("not json"))
                .isInstanceOf(MalformedChangeException.class).hasMessageContaining("not JSON");
    }

    @Test
    void missingNewImageOnAPutIsRejected() {
        String body = "{\"v\":1,\"eventName\":\"MODIFY\",\"keys\":{\"pk\":{\"S\":\"a\"}},"
                + "\"approximateCreationDateTime\":\"2026-11-25T10:00:00Z\",\"sequenceNumber\":\"1\",\"eventId\":\"e\"}";

        assertThatThrownBy(() -> codec.decode(body))
                .isInstanceOf(MalformedChangeException.class).hasMessageContaining("newImage");
    }
}
