package dev.restorecdc.session;

/** Port: the change queue's backlog, as SQS approximates it (counts settle within about a minute). */
public interface QueueBacklog {

    /** Visible (waiting) and in-flight (received, not yet deleted) messages. */
    record Backlog(long visible, long inFlight) {
        public long total() {
            return visible + inFlight;
        }
    }

    Backlog backlog(String queueUrl);
}
