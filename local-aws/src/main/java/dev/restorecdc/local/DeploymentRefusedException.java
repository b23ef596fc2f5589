package dev.restorecdc.local;

/** The local deployment refuses a source table as Terraform's plan does (no stream, wrong view type, PITR off). */
public final class DeploymentRefusedException extends IllegalStateException {

    public DeploymentRefusedException(String message) {
        super(message);
    }
}
