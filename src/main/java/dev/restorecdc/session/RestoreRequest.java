package dev.restorecdc.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator asked for, read from the CloudTrail record of the successful
 * {@code RestoreTableToPointInTime} call.
 *
 * @param eventId        CloudTrail's {@code eventID} (unique per call)
 * @param requestedAt    CloudTrail's {@code eventTime}: when the restore was requested
 * @param targetTable    {@code requestParameters.targetTableName}
 * @param latestRestorable {@code useLatestRestorableTime}: a copy that must lose nothing
 * @param restorePoint   the explicit {@code restoreDateTime} when it was given and could be read
 */
public record RestoreRequest(
        String eventId,
        Instant requestedAt,
        String targetTable,
        boolean latestRestorable,
        Optional<Instant> restorePoint) {

    public RestoreRequest {
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(targetTable, "targetTable");
        Objects.requireNonNull(restorePoint, "restorePoint");
    }
}
