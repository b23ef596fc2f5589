package dev.restorecdc.session;

import java.util.Objects;
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
        if (!matches(targetTable)) {
            throw new SessionRefusedException("target table " + targetTable + " is outside target_table_pattern '"
                    + pattern + "': replay and the settings copy are only allowed on tables matching it (source table "
                    + sourceTable + ")");
        }
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
