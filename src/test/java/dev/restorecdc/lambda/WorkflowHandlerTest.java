package dev.restorecdc.lambda;

import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.session.SessionWorld;
import dev.restorecdc.session.WorkflowResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The workflow function as Lambda runs it: the step's input in, the step's output (the task's Payload) out. */
@QuarkusTest
@TestProfile(WorkflowProfile.class)
@WithTestResource(WorkflowResource.class)
class WorkflowHandlerTest {

    private static Map<String, Object> input(String action, String sessionId, Map<String, Object> extra) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("action", action);
        input.put("config", SessionWorld.map(WorkflowResource.world().config));
        input.put("session_id", sessionId);
        input.putAll(extra);
        return input;
    }

    @Test
    void registerStepTakesTheLockAndAnswersWithTheSession() {
        Instant requested = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        Map<String, Object> event = SessionWorld.map(SessionWorld.restoreEvent("by-name", requested).get("detail"));

        given().contentType("application/json").accept("application/json")
                .body(input("register", "h1", Map.of("event", event)))
                .when().post()
                .then().statusCode(200)
                .body("registered", equalTo(true))
                .body("target_table", equalTo("orders-restored-latest"))
                .body("record_key.sk.S", equalTo("SESSION#h1"))
                .body("capture_floor", equalTo(requested.minusSeconds(900).toString()));

        SessionStore store = new SessionStore(WorkflowResource.world().dynamo, SessionWorld.CONTROL, SessionWorld.SOURCE);
        assertThat(store.activeSessionId()).contains("h1");
    }

    @Test
    void unknownActionFailsTheTaskNamingTheActions() {
        given().contentType("application/json").accept("application/json")
                .body(input("launch", "h2", Map.of()))
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("got 'launch'"));
    }
}
