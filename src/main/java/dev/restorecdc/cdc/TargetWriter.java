package dev.restorecdc.cdc;

import java.util.List;
import java.util.Map;

/** Applies coalesced writes to the restored table. */
public interface TargetWriter {

    /**
     * Writes every item, retrying throttled and unprocessed ones with backoff until the deadline.
     * Never throws for a failed write: what could not be written is returned with the reason.
     */
    Result write(String table, List<ItemWrite> writes, Deadline deadline);

    /**
     * @param notWritten the writes that did not happen, with why
     * @param retries    how many times unprocessed or throttled writes were sent again
     */
    record Result(Map<ItemKey, Failure> notWritten, int retries) {
    }

    /** Why one write did not happen, and whose problem that is. */
    record Failure(Kind kind, String reason) {

        public enum Kind {
            /** Throttling or a server fault still there at the deadline: the messages come back and are tried again. */
            TRANSIENT,
            /** DynamoDB refuses this item for good (ValidationException for the item alone): poison. */
            ITEM,
            /** The target as a whole cannot be written (missing table, access denied, its KMS key): the session's problem. */
            TARGET
        }

        public static Failure transientFailure(String reason) {
            return new Failure(Kind.TRANSIENT, reason);
        }

        public static Failure ofItem(String reason) {
            return new Failure(Kind.ITEM, reason);
        }

        public static Failure ofTarget(String reason) {
            return new Failure(Kind.TARGET, reason);
        }

        @Override
        public String toString() {
            return kind + " " + reason;
        }
    }
}
