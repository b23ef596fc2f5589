package dev.restorecdc.cli;

import dev.restorecdc.cdc.ItemKey;

import java.util.List;

/**
 * One key whose item differs between source and target.
 *
 * @param kind       MISSING (in the source, not the target), EXTRA (in the target only) or DIFFERENT
 * @param key        the item's key
 * @param attributes for DIFFERENT: the attributes that differ
 */
public record Mismatch(Kind kind, ItemKey key, List<String> attributes) {

    public enum Kind { MISSING, EXTRA, DIFFERENT }

    /** One report line: kind, key, and for a difference the attributes concerned. */
    public String describe() {
        String line = String.format("%-9s %s", kind.name().toLowerCase(), key.canonical());
        return attributes.isEmpty() ? line : line + "  (attributes: " + String.join(", ", attributes) + ")";
    }
}
