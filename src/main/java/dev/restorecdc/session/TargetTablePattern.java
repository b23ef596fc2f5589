package dev.restorecdc.session;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The deployment's {@code target_table_pattern}: the names a restored table may have, with IAM's
 * wildcards ({@code *} any run of characters, {@code ?} one character), because replay and the
 * settings copy are granted on exactly these names.
 */
public final class TargetTablePattern {

    private final String pattern;
    private final Pattern regex;

    public TargetTablePattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("target_table_pattern must not be empty");
        }
        this.pattern = pattern;
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.regex = Pattern.compile(re.toString());
    }

    public boolean matches(String tableName) {
        return tableName != null && regex.matcher(tableName).matches();
    }

    /** @throws SessionRefusedException when the target lies outside the pattern */
    public void requireMatch(String sourceTable, String targetTable) {
        Optional<String> refusal = refusal(sourceTable, targetTable);
        if (refusal.isPresent()) {
            throw new SessionRefusedException(refusal.get());
        }
    }

    /** Why a target outside the pattern is refused; empty when it matches. */
    public Optional<String> refusal(String sourceTable, String targetTable) {
        if (matches(targetTable)) {
            return Optional.empty();
        }
        return Optional.of("target table " + targetTable + " is outside target_table_pattern '"
                + pattern + "': replay and the settings copy are only allowed on tables matching it (source table "
                + sourceTable + ")");
    }

    /** The default, {@code <table>-restored*}: only names the operator reserves for restores of the table. */
    public static String defaultFor(String sourceTable) {
        return sourceTable + "-restored*";
    }

    /**
     * True when the pattern's literal start is the source table's name, at most followed by one
     * separator, before a wildcard: {@code orders*} or {@code orders-*} also match the account's
     * other tables named after it ({@code orders-ledger}), which replay and the settings copy would
     * then be allowed to write. Terraform refuses such a pattern (variables.tf); this is the same rule.
     */
    public static boolean coversOtherTablesOf(String pattern, String sourceTable) {
        int wildcard = firstWildcard(pattern);
        if (wildcard < 0) {
            return false;
        }
        String literal = pattern.substring(0, wildcard);
        return sourceTable.startsWith(literal) || (literal.startsWith(sourceTable) && literal.length() <= sourceTable.length() + 1);
    }

    private static int firstWildcard(String pattern) {
        int star = pattern.indexOf('*');
        int question = pattern.indexOf('?');
        return star < 0 ? question : question < 0 ? star : Math.min(star, question);
    }

    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetTablePattern other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pattern);
    }
}
