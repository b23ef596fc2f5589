package dev.restorecdc.cdc;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the functions name a table that may live in another region. A restore may create its table in
 * another region than the deployment's (the home region, where the functions run): such a target is
 * named by its ARN ({@code arn:aws:dynamodb:<region>:<account>:table/<name>}), which carries the region
 * its calls must go to; a target in the home region keeps its plain name, as it always did. DynamoDB
 * itself accepts either form as a table name, so a reference is passed through as it is.
 */
public final class TableRefs {

    private static final Pattern TABLE_ARN = Pattern.compile("^arn:([^:]+):dynamodb:([^:]+):([^:]*):table/([^/]+)$");

    private TableRefs() {
    }

    /** The region in a table ARN; empty for a plain table name. */
    public static Optional<String> regionOf(String tableOrArn) {
        Matcher arn = tableOrArn == null ? null : TABLE_ARN.matcher(tableOrArn);
        return arn != null && arn.matches() ? Optional.of(arn.group(2)) : Optional.empty();
    }

    /** The table's name: the ARN's last part, or the argument itself. */
    public static String nameOf(String tableOrArn) {
        Matcher arn = TABLE_ARN.matcher(tableOrArn);
        return arn.matches() ? arn.group(4) : tableOrArn;
    }

    /** The ARN of table {@code name} in {@code region}, in the partition and account of {@code sameAccountArn}. */
    public static String arn(String sameAccountArn, String region, String name) {
        Matcher arn = TABLE_ARN.matcher(sameAccountArn);
        if (!arn.matches()) {
            throw new IllegalArgumentException("not a DynamoDB table ARN: " + sameAccountArn);
        }
        return "arn:" + arn.group(1) + ":dynamodb:" + region + ":" + arn.group(3) + ":table/" + name;
    }

    /**
     * How the functions address table {@code name} in {@code region} when the deployment's home is the
     * region of {@code homeTableArn}: its name at home, its ARN elsewhere.
     */
    public static String ref(String homeTableArn, String region, String name) {
        return regionOf(homeTableArn).filter(home -> !home.equals(region)).isPresent() ? arn(homeTableArn, region, name) : name;
    }
}
