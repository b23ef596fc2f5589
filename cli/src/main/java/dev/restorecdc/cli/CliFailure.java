package dev.restorecdc.cli;

/**
 * A failure the operator can act on: its message is printed as is (no stack trace) and the CLI
 * exits with {@link #exitCode()}.
 */
public class CliFailure extends RuntimeException {

    /** Findings or a failed operation: the command ran, the answer is "no". */
    public static final int FAILED = 1;
    /** The command line itself is wrong. */
    public static final int USAGE = 2;
    /** The command refused to act: wrong phase, or a precondition (an empty DLQ) does not hold. Nothing changed. */
    public static final int REFUSED = 3;
    /** Waited as long as allowed without proof; nothing changed, safe to run again. */
    public static final int TIMED_OUT = 4;

    private final int exitCode;

    public CliFailure(String message) {
        this(message, FAILED);
    }

    public CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CliFailure usage(String message) {
        return new CliFailure(message, USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
