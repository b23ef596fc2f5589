package dev.restorecdc.cdc;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Capture after the cutover: the target is the application's table now, so a change that still
 * reaches the source (a straggling writer) must not be replayed over the application's writes.
 * It is recorded in the control table instead, for {@code status}, {@code finish} and
 * {@code repair --late}.
 */
final class LateWriteCapture {

    private static final Logger LOG = Logger.getLogger(LateWriteCapture.class);
    static final String CUT_OVER = "CUT_OVER";

    private LateWriteCapture() {
    }

    static boolean applies(ActiveSession session) {
        return CUT_OVER.equals(session.status());
    }

    /** @return the record the mapping retries from: the first unreadable one, or all of them when recording failed */
    static Optional<String> record(List<StreamChange> records, ActiveSession session, Optional<String> shardId, SessionLedger ledger) {
        List<LateWrite> writes = new ArrayList<>();
        Optional<String> retryFrom = Optional.empty();
        for (StreamChange record : records) {
            ChangeEvent change = record.change();
            if (change == null) {
                LOG.errorf("capture: stream record %s after the cutover cannot be read, the mapping will retry it: %s",
                        record.sequenceNumber(), record.problem());
                retryFrom = Optional.ofNullable(record.sequenceNumber());
                break;
            }
            writes.add(new LateWrite(change.key(), change.eventName(), change.createdAt(), change.sequenceNumber(),
                    shardId.orElse(null), record.oldImage(), change.newImage()));
        }
        if (writes.isEmpty()) {
            return retryFrom;
        }
        try {
            ledger.recordLateWrites(session, writes);
        } catch (RuntimeException e) {
            LOG.errorf(e, "capture: could not record %d late writes of session %s; the mapping retries them", writes.size(),
                    session.sessionId());
            return Optional.of(records.get(0).sequenceNumber());
        }
        for (LateWrite write : writes) {
            LOG.warnf("capture: LATE WRITE after the cutover of session %s: %s of key %s at %s (sequence %s); not replayed, "
                    + "listed by restore-cdc status and finish, applied only by repair --late", session.sessionId(),
                    write.eventName(), write.key(), write.createdAt(), write.sequenceNumber());
        }
        return retryFrom;
    }
}
