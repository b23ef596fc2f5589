package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restorecdc.aws.ControlTableKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The workflow's {@code cutOver} action, run once the operator's {@code restore-cdc cutover} has
 * proven every shard drained and the queue and DLQ empty: marks the session CUT_OVER with the time
 * and the proof, and drops the used task token (the next wait stores a new one, which tells the
 * command that replay is off).
 */
final class CutoverStep {

    private CutoverStep() {
    }

    /** Input: {@code session_id}, {@code proof} (the command's figures). Output: {@code status}, {@code cut_over_at}. */
    static Map<String, Object> run(DynamoDbClient dynamo, SessionConfig config, JsonNode in, Instant now) {
        String sessionId = in.path("session_id").asText("");
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("session_id must be a non-empty string, got " + in.get("session_id"));
        }
        String proof = in.path("proof").isMissingNode() || in.path("proof").isNull() ? "{}" : in.path("proof").toString();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":status", AttributeValue.fromS(SessionStatus.CUT_OVER.name()));
        values.put(":caught", AttributeValue.fromS(SessionStatus.CAUGHT_UP.name()));
        values.put(":now", AttributeValue.fromS(now.toString()));
        values.put(":proof", AttributeValue.fromS(proof));
        try {
            dynamo.updateItem(r -> r.tableName(config.controlTableName())
                    .key(Map.of("pk", AttributeValue.fromS(ControlTableKeys.tablePk(config.sourceTableName())),
                            "sk", AttributeValue.fromS(ControlTableKeys.sessionSk(sessionId))))
                    .conditionExpression("#status = :caught")
                    .updateExpression("SET #status = :status, cut_over_at = :now, cutover_proof = :proof, updated_at = :now "
                            + "REMOVE task_token")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException notCaughtUp) {
            throw new SessionRefusedException("session " + sessionId + " is not CAUGHT_UP: no cutover");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", SessionStatus.CUT_OVER.name());
        out.put("cut_over_at", now.toString());
        return out;
    }
}
