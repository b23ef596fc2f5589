package dev.restorecdc.cli;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.util.Optional;

/** Doctor's checks of the source table itself: it exists, has a usable stream, and PITR is on. */
final class TableChecks {

    private final DynamoDbClient dynamo;
    private final String table;
    private TableDescription description;

    TableChecks(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    Check exists(String region) {
        try {
            description = dynamo.describeTable(r -> r.tableName(table)).table();
            return Check.ok("table", table + " is " + description.tableStatusAsString());
        } catch (ResourceNotFoundException e) {
            return Check.fail("table", table + " does not exist in " + region,
                    "check --table and AWS_REGION (the deployment serves one table in one region)");
        }
    }

    /** The table's current stream ARN, once {@link #exists} found the table. */
    Optional<String> streamArn() {
        return Optional.ofNullable(description).map(TableDescription::latestStreamArn);
    }

    boolean found() {
        return description != null;
    }

    Check stream() {
        StreamSpecification stream = description.streamSpecification();
        if (stream == null || !Boolean.TRUE.equals(stream.streamEnabled())) {
            return Check.fail("stream", "no stream: capture has nothing to read",
                    "aws dynamodb update-table --table-name " + table
                            + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"
                            + ", then terraform apply (the capture mapping reads the stream by ARN)");
        }
        StreamViewType view = stream.streamViewType();
        if (view != StreamViewType.NEW_IMAGE && view != StreamViewType.NEW_AND_OLD_IMAGES) {
            return Check.fail("stream", "view type " + stream.streamViewTypeAsString() + " carries no new image to replay",
                    "a stream's view type cannot change: disable the stream, enable it with NEW_AND_OLD_IMAGES "
                            + "(or NEW_IMAGE), then terraform apply so the capture mapping reads the new stream");
        }
        if (view == StreamViewType.NEW_IMAGE) {
            return Check.warn("stream", "enabled, NEW_IMAGE (" + description.latestStreamArn() + "): copies replay exactly, "
                            + "but an undo (restore to an explicit point) cannot replay what each change did without old "
                            + "images and falls back to whole images, bringing back values the undone writes left",
                    "for undo restores, disable the stream and enable it with NEW_AND_OLD_IMAGES, then terraform apply");
        }
        return Check.ok("stream", "enabled, " + view + " (" + description.latestStreamArn() + ")");
    }

    Check pointInTimeRecovery() {
        var pitr = dynamo.describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription();
        if (pitr != null && pitr.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED) {
            return Check.ok("point-in-time recovery", "enabled"
                    + (pitr.earliestRestorableDateTime() == null ? "" : ", restorable from " + pitr.earliestRestorableDateTime()));
        }
        return Check.fail("point-in-time recovery", "disabled: no point-in-time restore is possible",
                "aws dynamodb update-continuous-backups --table-name " + table
                        + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true");
    }
}
