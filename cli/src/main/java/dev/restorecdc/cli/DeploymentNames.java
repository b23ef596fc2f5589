package dev.restorecdc.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of one deployment's resources, derived from the source table's name exactly as
 * Terraform derives them (terraform/main.tf {@code local.name_prefix}), so the CLI finds a
 * deployment from the table name alone:
 * {@code name_prefix = "rcdc-" + table name with '.' as '-' cut to 43 + "-" + sha1(table name)[0..6)}.
 * At most 55 characters, so {@code <prefix>-workflow} fits Lambda's and IAM's 64 and
 * {@code <prefix>-changes-dlq.fifo} fits SQS's 80. A deployment with its own {@code name_prefix}
 * passes it with {@code --name-prefix}.
 */
public record DeploymentNames(String prefix) {

    static final int TABLE_PART = 43;

    public static DeploymentNames forTable(String tableName) {
        String part = tableName.replace('.', '-');
        if (part.length() > TABLE_PART) {
            part = part.substring(0, TABLE_PART);
        }
        return new DeploymentNames("rcdc-" + part + "-" + sha1Hex(tableName).substring(0, 6));
    }

    public String controlTable() {
        return prefix + "-control";
    }

    public String queue() {
        return prefix + "-changes.fifo";
    }

    public String deadLetterQueue() {
        return prefix + "-changes-dlq.fifo";
    }

    public String captureFunction() {
        return prefix + "-capture";
    }

    public String replayFunction() {
        return prefix + "-replay";
    }

    public String workflowFunction() {
        return prefix + "-workflow";
    }

    public String restoreRule() {
        return prefix + "-restore";
    }

    /** The rule in each of restore_regions that forwards this table's restores there to the home bus. */
    public String forwardRule() {
        return prefix + "-restore-fwd";
    }

    public String stateMachine() {
        return prefix + "-session";
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }
}
