package dev.restorecdc.cdc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What one capture invocation proved about its shard: every record before the retry point is processed. */
final class CaptureProgress {

    private CaptureProgress() {
    }

    /**
     * @param retryFrom the record the mapping retries from (not processed, nor anything after it)
     * @return the newest processed record as the shard's progress; empty when the invocation processed none
     */
    static Optional<ShardProgress> of(String shardId, List<StreamChange> records, Optional<String> retryFrom,
            Instant ranAt, boolean queued) {
        int end = records.size();
        if (retryFrom.isPresent()) {
            for (int i = 0; i < records.size(); i++) {
                if (retryFrom.get().equals(records.get(i).sequenceNumber())) {
                    end = i;
                    break;
                }
            }
        }
        for (int i = end - 1; i >= 0; i--) {
            StreamChange record = records.get(i);
            if (record.sequenceNumber() != null && record.change() != null && record.change().createdAt() != null) {
                return Optional.of(new ShardProgress(shardId, record.sequenceNumber(), record.change().createdAt(), ranAt,
                        queued ? Optional.of(ranAt) : Optional.empty()));
            }
        }
        return Optional.empty();
    }
}
