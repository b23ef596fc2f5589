package dev.restorecdc.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/local-aws}: the AWS side of this project on one machine, for any client.
 *
 * <pre>
 * bin/local-aws up [--port N]                          # default 4566; 0 picks a free port
 * bin/local-aws deploy --table T [--set key=value ...] # needs AWS_ENDPOINT_URL
 * </pre>
 *
 * {@code up} prints {@code AWS_ENDPOINT_URL=http://127.0.0.1:<port>} as its first line on stdout
 * once every service answers, then runs until SIGINT/SIGTERM and stops every process it started.
 * Progress goes to stderr. {@code deploy} creates what {@code terraform apply -var table_name=T}
 * creates, from config/deployment-defaults.json ({@code --set} takes dotted paths into it, values
 * as JSON or else strings) and prints Terraform's outputs as JSON. Exit codes: 0 done, 1 refused
 * or failed (the reason on stderr), 2 usage error or nothing built ({@code make build}).
 */
public final class LocalAwsCommand {

    static final int DEFAULT_PORT = 4566;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;

    LocalAwsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new LocalAwsCommand(System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "up" -> up(List.of(args).subList(1, args.length));
                case "deploy" -> deploy(List.of(args).subList(1, args.length));
                default -> usageError("unknown command " + args[0]);
            };
        } catch (UsageException e) {
            return usageError(e.getMessage());
        }
    }

    private int up(List<String> args) {
        int port = DEFAULT_PORT;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--port") && i + 1 < args.size()) {
                port = parsePort(args.get(++i));
            } else {
                throw new UsageException("up takes only --port N, got " + args.get(i));
            }
        }
        Path artefact = Emulator.projectRoot().resolve("dist/function-jvm.zip");
        if (!Files.isRegularFile(artefact)) {
            err.println("local-aws: no packaged functions (" + artefact + "); build them first: make build");
            return 2;
        }
        err.println("local-aws: starting the emulator (moto + the project's patches), the Lambda service and the mapping emulation"
                + (port == 0 ? " on a free port" : " on port " + port));
        LocalAws aws;
        try {
            aws = LocalAws.start(port);
        } catch (RuntimeException e) {
            err.println("local-aws: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("local-aws: stopping every process it started");
            aws.close();
            stopped.countDown();
        }, "local-aws-stop"));
        err.println("local-aws: region " + Emulator.REGION + ", any credentials; logs in "
                + Emulator.projectRoot().resolve("target/emulator") + " and " + LambdaService.LOG_DIR);
        err.println("local-aws: deploy with: AWS_ENDPOINT_URL=" + aws.emulator().endpoint() + " bin/local-aws deploy --table <table>");
        out.println("AWS_ENDPOINT_URL=" + aws.emulator().endpoint());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private int deploy(List<String> args) {
        String table = null;
        List<String[]> sets = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--table") && i + 1 < args.size()) {
                table = args.get(++i);
            } else if (arg.equals("--set") && i + 1 < args.size()) {
                String pair = args.get(++i);
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--set takes key=value, got " + pair);
                }
                sets.add(new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
            } else {
                throw new UsageException("deploy takes --table T and --set key=value, got " + arg);
            }
        }
        if (table == null) {
            throw new UsageException("deploy needs --table T");
        }
        DeploymentValues values = DeploymentValues.defaults();
        for (String[] set : sets) {
            try {
                values = values.with(set[0], parseValue(set[1]));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--set " + set[0] + ": " + e.getMessage());
            }
        }
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            throw new UsageException("deploy needs AWS_ENDPOINT_URL (the first line bin/local-aws up prints)");
        }
        try (LocalClients aws = new LocalClients(URI.create(endpoint))) {
            err.println("local-aws: deploying for table " + table + " at " + endpoint);
            Deployment deployment = LocalDeployment.deploy(aws, table, values);
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(deployment.outputs()));
            return 0;
        } catch (DeploymentRefusedException e) {
            err.println("local-aws: " + e.getMessage());
            return 1;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            err.println("local-aws: deploy failed: " + e);
            return 1;
        }
    }

    /** A --set value: JSON when it parses (numbers, booleans, arrays, quoted strings), else the text itself. */
    static Object parseValue(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            return text;
        }
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new UsageException("--port must be 0-65535, got " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("--port must be a number, got " + text);
        }
    }

    private int usageError(String message) {
        err.println("local-aws: " + message);
        usage();
        return 2;
    }

    private void usage() {
        err.println("""
                usage: bin/local-aws up [--port N]          start the local AWS (default port 4566; 0: a free one)
                       bin/local-aws deploy --table T [--set key=value ...]
                                                            deploy for table T what terraform apply deploys
                                                            (needs AWS_ENDPOINT_URL; keys are dotted paths
                                                            into config/deployment-defaults.json)""");
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
