package dev.restorecdc.cdc;

import java.util.List;
import java.util.Map;

/** Where captured changes are buffered: the FIFO queue. */
public interface ChangeQueue {

    /** SQS's SendMessageBatch limits: 10 entries and 1 MiB per call. */
    int MAX_ENTRIES = 10;
    int MAX_BATCH_BYTES = 1024 * 1024;

    /**
     * Sends one batch (at most {@link #MAX_ENTRIES} entries, {@link #MAX_BATCH_BYTES} bytes).
     * Never throws for a failed call: every entry of a call that failed as a whole is returned refused.
     *
     * @return the refused entries with the reason the queue gave; empty when all were accepted
     */
    Map<QueuedChange, Refusal> send(List<QueuedChange> batch);

    /**
     * Sends several batches of disjoint items (no item in two of them), as {@link #send} each; an
     * implementation may send them at once, since FIFO order only binds entries of one item.
     *
     * @return each batch's refusals, in the order of {@code batches}
     */
    default List<Map<QueuedChange, Refusal>> sendAll(List<List<QueuedChange>> batches) {
        return batches.stream().map(this::send).toList();
    }

    /** Why the queue did not take an entry, and whether sending it again can help. */
    record Refusal(Kind kind, String reason) {

        public enum Kind {
            /** Throttling, a server-side fault (SenderFault false, 5xx), the network: send again soon. */
            TRANSIENT,
            /** SQS refuses this entry for good (SenderFault true: too long, illegal characters). */
            RECORD,
            /** The call failed as a whole for a reason no retry in this invocation fixes (access, a missing queue). */
            QUEUE
        }

        public static Refusal transientFailure(String reason) {
            return new Refusal(Kind.TRANSIENT, reason);
        }

        public static Refusal ofRecord(String reason) {
            return new Refusal(Kind.RECORD, reason);
        }

        public static Refusal ofQueue(String reason) {
            return new Refusal(Kind.QUEUE, reason);
        }

        @Override
        public String toString() {
            return kind + " " + reason;
        }
    }
}
