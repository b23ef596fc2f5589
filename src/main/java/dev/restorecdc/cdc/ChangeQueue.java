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
    Map<QueuedChange, String> send(List<QueuedChange> batch);
}
