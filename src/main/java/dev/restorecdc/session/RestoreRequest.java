package dev.restorecdc.session;

import dev.restorecdc.cdc.TableRefs;

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
 * @param targetRegion   the region the restore was called in, so the region of the restored table
 *                       (CloudTrail's {@code awsRegion}); empty when the record does not say (the home region)
 */
public record RestoreRequest(
        String eventId,
        Instant requestedAt,
        String targetTable,
        boolean latestRestorable,
        Optional<Instant> restorePoint,
        Optional<String> targetRegion) {

    public RestoreRequest {
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(targetTable, "targetTable");
        Objects.requireNonNull(restorePoint, "restorePoint");
        Objects.requireNonNull(targetRegion, "targetRegion");
    }

    /** A restore in the home region (the record names no region). */
    public RestoreRequest(String eventId, Instant requestedAt, String targetTable, boolean latestRestorable,
                          Optional<Instant> restorePoint) {
        this(eventId, requestedAt, targetTable, latestRestorable, restorePoint, Optional.empty());
    }

    /**
     * The target's ARN when the restore created it in another region than the source table's (the
     * deployment's home region); empty for a same-region restore.
     */
    public Optional<String> targetTableArnElsewhere(String sourceTableArn) {
        Optional<String> home = TableRefs.regionOf(sourceTableArn);
        return targetRegion.filter(region -> home.isPresent() && !home.get().equals(region))
                .map(region -> TableRefs.arn(sourceTableArn, region, targetTable));
    }

    /** How the functions address the target: its ARN in another region, else its name ({@link TableRefs}). */
    public String target(String sourceTableArn) {
        return targetTableArnElsewhere(sourceTableArn).orElse(targetTable);
    }
}
