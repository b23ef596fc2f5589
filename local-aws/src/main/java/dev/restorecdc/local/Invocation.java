package dev.restorecdc.local;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** One Invoke waiting for, or being run by, a function instance. Completed exactly once. */
final class Invocation {

    final String requestId = UUID.randomUUID().toString();
    final byte[] payload;
    final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    /** Epoch millis by which the function must answer; set when an environment takes it. */
    volatile long deadlineMs;

    Invocation(byte[] payload) {
        this.payload = payload;
    }
}
