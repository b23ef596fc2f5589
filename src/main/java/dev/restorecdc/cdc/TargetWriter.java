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
     * @param notWritten the writes that did not happen, with why (left to the queue to retry)
     * @param retries    how many times unprocessed or throttled writes were sent again
     */
    record Result(Map<ItemKey, String> notWritten, int retries) {
    }
}
