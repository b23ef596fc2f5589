package dev.restorecdc.session;

/**
 * The deployment's {@code copy_settings}: which of the settings a PITR restore does not carry over
 * are re-applied from the source to the restored table.
 */
public record CopySettings(
        boolean stream,
        boolean ttl,
        boolean pitr,
        boolean tags,
        boolean deletionProtection,
        boolean autoscaling,
        boolean resourcePolicy) {

    public static CopySettings all() {
        return new CopySettings(true, true, true, true, true, true, true);
    }
}
