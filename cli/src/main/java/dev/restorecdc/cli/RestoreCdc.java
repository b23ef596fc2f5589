package dev.restorecdc.cli;

import software.amazon.awssdk.core.exception.SdkException;

import java.io.PrintStream;
import java.util.Map;

/**
 * The operator CLI, {@code bin/restore-cdc}: a plain Java entry point on the Lambda artefact's
 * classpath (no Quarkus container is started, and it is never a Lambda handler).
 */
public final class RestoreCdc {

    static final String USAGE = """
            usage: restore-cdc <command> [options]

              doctor --table T            checks a deployment for table T; each check with its fix
              status [--table T]          where the restore sessions stand (all tables without --table)
              verify --session S          compares every key the replay wrote: target item = source item?
                     [--sample N] [--recheck-delay 2s] [--force]
              conflicts --session S       keys an undo's replay found also written in the undone window
              repair --session S          rewrites dead-lettered and differing keys from the source
                     [--dry-run] [--recheck-delay 2s] [--force]
              repair --late --session S   applies late writes where the target item is unchanged since
                     [--dry-run]          the cutover; reports the others as conflicts
              cutover --session S         once CAUGHT_UP and the source's writes are stopped: proves every
                     [--timeout 15m]      change reached the target (shards drained, queue and DLQ empty),
                                          then the session stops replay and records CUT_OVER; prints the pause
              finish --session S          ends the session (after cutover: stops capture, lists late writes)
                     [--timeout 300s] [--poll 5s]
              abort --session S           ends a session by hand: stops its execution, disables both
                     [--reason TEXT]       mappings, releases the lock, marks it ABORTED

            options of every command:
              --table T            the source table (names the deployment's resources)
              --control-table C    the control table (default: CDC_SESSION_TABLE, else derived from --table)
              --name-prefix P      the deployment's name_prefix, when Terraform was given one
              --json               machine-readable output (doctor, status, verify, conflicts)

            AWS settings come from the environment: AWS_REGION, AWS_ENDPOINT_URL (e.g. the local
            emulator), credentials from the default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...).
            Exit status: 0 ok, 1 a check failed / not equal / the operation failed, 2 usage error,
            3 refused (wrong phase, non-empty DLQ; nothing changed), 4 timed out (nothing changed, safe to rerun).
            """;

    private RestoreCdc() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command; the streams and environment are parameters so tests run it in-process. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        try (AwsClients aws = new AwsClients(env)) {
            CliContext cli = new CliContext(env, aws, out, err, duration -> Thread.sleep(duration.toMillis()));
            try {
                if (args.length == 0) {
                    err.print(USAGE); // no command is a usage error, as every other one is
                    return 2;
                }
                CliArgs parsed = CliArgs.parse(args);
                if (parsed.has("help") || parsed.command().equals("help") || parsed.command().equals("--help")) {
                    out.print(USAGE);
                    return 0;
                }
                return switch (parsed.command()) {
                    case "doctor" -> new DoctorCommand(cli).run(parsed);
                    case "status" -> new StatusCommand(cli).run(parsed);
                    case "verify" -> new VerifyCommand(cli).run(parsed);
                    case "repair" -> new RepairCommand(cli).run(parsed);
                    case "conflicts" -> new ConflictsCommand(cli).run(parsed);
                    case "finish" -> new FinishCommand(cli).run(parsed);
                    case "abort" -> new AbortCommand(cli).run(parsed);
                    case "cutover" -> new CutoverCommand(cli).run(parsed);
                    default -> throw CliFailure.usage("unknown command '" + parsed.command() + "'\n\n" + USAGE);
                };
            } catch (CliFailure e) {
                err.println("restore-cdc: " + e.getMessage());
                return e.exitCode();
            } catch (SdkException e) {
                err.println("restore-cdc: " + AwsErrors.describe(e, aws));
                return CliFailure.FAILED;
            }
        }
    }
}
