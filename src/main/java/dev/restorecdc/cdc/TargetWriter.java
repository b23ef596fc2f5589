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
     * Writes every item as {@link #write(String, List, Deadline)} does and, where it can, each
     * written key's key log entry in the same calls ({@link Result#keyLogWritten()}): a key then
     * counts as written only when its item and its entry both are, so the log is durable before
     * the messages are acknowledged at no extra call. A writer that cannot carry the log writes
     * the items alone and says so; the caller then writes the log itself.
     */
    default Result write(String table, List<ItemWrite> writes, KeyLog keyLog, Deadline deadline) {
        return write(table, writes, deadline);
    }

    /**
     * The key log entries of one invocation's writes, by key.
     *
     * @param session the session whose log they belong to
     */
    record KeyLog(ActiveSession session, Map<ItemKey, SessionLedger.KeyLogEntry> entries) {
    }

    /**
     * @param notWritten    the writes that did not happen, with why
     * @param retries       how many times unprocessed or throttled writes were sent again
     * @param keyLogWritten the key log entries of every written key were written with them
     */
    record Result(Map<ItemKey, Failure> notWritten, int retries, boolean keyLogWritten) {

        /** Items only: the key log, if any, is still to be written. */
        public Result(Map<ItemKey, Failure> notWritten, int retries) {
            this(notWritten, retries, false);
        }
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
