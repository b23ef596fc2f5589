package dev.restorecdc.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn in place with '\r' at most every 200 ms, so stdout
 * stays clean for the report (and for {@code --json}).
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String label;
    private long total;
    private long done;
    private long drawnAt;
    private boolean drawn;

    ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = Math.max(0, total);
    }

    void advance(long steps) {
        done += steps;
        total = Math.max(total, done);
        long now = System.nanoTime();
        if (!drawn || now - drawnAt >= REDRAW_NANOS || done == total) {
            draw();
            drawnAt = now;
        }
    }

    /** Ends the line, so the report starts on a fresh one. */
    void finish() {
        if (total > 0 || drawn) {
            draw();
            err.println();
        }
    }

    private void draw() {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        err.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total);
        err.flush();
        drawn = true;
    }
}
