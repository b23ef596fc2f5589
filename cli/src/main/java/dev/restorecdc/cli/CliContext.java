package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What every command works with: the environment, the AWS clients, the two output streams. */
public final class CliContext {

    /** How the commands wait between polls and before a recheck; main passes Thread::sleep. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    final Map<String, String> env;
    final AwsClients aws;
    final PrintStream out;
    final PrintStream err;
    final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    final Sleeper sleeper;

    public CliContext(Map<String, String> env, AwsClients aws, PrintStream out, PrintStream err, Sleeper sleeper) {
        this.env = env;
        this.aws = aws;
        this.out = out;
        this.err = err;
        this.sleeper = sleeper;
    }

    /** The deployment's resource names: from --name-prefix, else derived from the table name. */
    DeploymentNames names(CliArgs args, String sourceTable) {
        return args.value("name-prefix").map(DeploymentNames::new).orElseGet(() -> DeploymentNames.forTable(sourceTable));
    }

    /** --control-table, else CDC_SESSION_TABLE (as the functions get it), else derived from --table. */
    ControlTableReader controlTable(CliArgs args) {
        Optional<String> table = args.value("table");
        String name = args.value("control-table")
                .or(() -> Optional.ofNullable(env.get("CDC_SESSION_TABLE")).filter(v -> !v.isBlank()))
                .or(() -> table.map(t -> names(args, t).controlTable()))
                .or(() -> args.value("name-prefix").map(p -> new DeploymentNames(p).controlTable()))
                .orElseThrow(() -> CliFailure.usage(args.command() + " needs --table (the control table's name is derived "
                        + "from it) or --control-table / CDC_SESSION_TABLE"));
        return new ControlTableReader(aws.dynamo(), name, json);
    }

    void sleep(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }
}
