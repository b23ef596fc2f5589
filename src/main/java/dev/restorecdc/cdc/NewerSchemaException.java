package dev.restorecdc.cdc;

/**
 * A body written by a newer version of the code (a rolling deploy: capture already updated, this
 * replay not yet). Not poison: a later replay reads it, so it is retried, never dead-lettered.
 */
public final class NewerSchemaException extends MalformedChangeException {

    public NewerSchemaException(int version, int supported) {
        super("v", version, "schema version newer than this replay reads (" + supported + "); retried until the updated code runs");
    }
}
