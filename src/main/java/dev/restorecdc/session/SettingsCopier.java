package dev.restorecdc.session;

import java.util.Map;

/**
 * Port: re-applies to the restored table what a PITR restore does not carry over (DESIGN.md step 4),
 * read from the source table. Idempotent: a setting the target already has is left alone.
 */
public interface SettingsCopier {

    /** @return setting name ({@code stream}, {@code ttl}, ...) → what happened, in a sentence */
    Map<String, String> copy(String sourceTable, String targetTable, CopySettings settings);
}
