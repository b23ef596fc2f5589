package dev.restorecdc.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

import java.time.Instant;
import java.util.Optional;

/**
 * The whole configuration of the functions, one key per {@code CDC_*} environment variable
 * (SmallRye maps {@code CDC_QUEUE_URL} to {@code cdc.queue-url}).
 */
@ConfigMapping(prefix = "cdc")
public interface CdcConfig {

    /** The table whose stream is captured; also the key of its sessions in the control table. */
    Optional<String> sourceTable();

    /** The control table (lock, sessions, key log). */
    Optional<String> sessionTable();

    /** The FIFO queue that buffers captured changes. */
    Optional<String> queueUrl();

    /**
     * The FIFO dead-letter queue ({@code CDC_DLQ_URL}). Capture sends a record of a change SQS refuses
     * for good there, replay a message it can never apply; unset, both report such a change failed
     * (the shard or the group waits, as before).
     */
    Optional<String> dlqUrl();

    /**
     * The regions besides the deployment's own whose restores of the source table are followed
     * ({@code CDC_RESTORE_REGIONS}, comma-separated; Terraform's {@code restore_regions}). Only the
     * workflow function reads it: a restore into any other region is refused at registration.
     */
    Optional<String> restoreRegions();

    /** Static mode: replay into this table instead of the active session's target. */
    Optional<String> targetTable();

    /** Static mode: the start of the replay window instead of the session's. */
    Optional<Instant> replayFrom();

    /**
     * Static mode: {@code image} or {@code change} ({@code CDC_REPLAY_SEMANTICS}) instead of the
     * session's settled replay_semantics; the bench's change-mode row, manual replays.
     */
    Optional<String> replaySemantics();

    /**
     * How long capture and replay retry throttled sends and writes when the runtime gives no deadline (local runs
     * without a Lambda-Runtime-Deadline-Ms header); in Lambda the invocation's deadline rules.
     */
    @WithDefault("PT20S")
    Duration retryBudgetWithoutDeadline();

    /**
     * {@code CDC_COUNTERS_INTERVAL}: how often one execution environment writes its session counters
     * and capture's session stamps, added up in memory meanwhile (telemetry for {@code status}; up to
     * this much of them is lost when Lambda reclaims an environment). {@code PT0S}: every invocation.
     */
    @WithDefault("PT1S")
    Duration countersInterval();

    /**
     * {@code CDC_SESSION_REUSE}: how long an environment reuses its read of a settled session (target,
     * replay_from and capture floor set) instead of reading the control table again; capture never
     * reuses a CAUGHT_UP or CUT_OVER session. {@code PT0S}: read every invocation.
     */
    @WithDefault("PT10S")
    Duration sessionReuse();

    /**
     * {@code CDC_UNSETTLED_SESSION_REUSE}: the same for no session or one still settling (a restore in
     * progress): a new or newly settled session is seen this late at most. {@code PT0S}: read every invocation.
     */
    @WithDefault("PT1S")
    Duration unsettledSessionReuse();
}
