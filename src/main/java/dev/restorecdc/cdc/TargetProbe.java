package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Change replay's one read per invocation: the restored table's items of the batch's keys and
 * whether the session's key log already names each key (then the key was replayed before, and a
 * difference is the replay's own doing, never a conflict). One BatchGetItem carries both.
 */
public interface TargetProbe {

    /**
     * @param sessionId the session whose key log to consult; empty in static mode (no key log)
     * @throws RuntimeException when the read did not complete; the batch's messages then come back
     */
    Map<ItemKey, Probe> probe(String targetTable, Optional<String> sessionId, Collection<ItemKey> keys, Deadline deadline);

    /**
     * @param targetItem     the restored table's item (DynamoDB JSON), or null when it has none
     * @param replayedBefore the session's key log names the key
     * @param loggedTouched  what the key log says earlier replays touched: null for the whole item
     *                       (or no entry), else the attributes earlier updates set or removed; the
     *                       new entry keeps their union, so verify compares everything replay touched
     */
    record Probe(ObjectNode targetItem, boolean replayedBefore, java.util.List<String> loggedTouched) {

        public Probe(ObjectNode targetItem, boolean replayedBefore) {
            this(targetItem, replayedBefore, null);
        }
    }

    /** The target as a whole cannot be read (missing, access denied, its KMS key): the session's problem, as for writes. */
    final class TargetUnavailableException extends RuntimeException {
        public TargetUnavailableException(String reason) {
            super(reason);
        }
    }
}
