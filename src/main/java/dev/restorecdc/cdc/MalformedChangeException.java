package dev.restorecdc.cdc;

/** A change that cannot be understood; the message names the field and the offending value. */
public class MalformedChangeException extends RuntimeException {

    public MalformedChangeException(String field, Object value, String problem) {
        super("invalid change: field '" + field + "' = " + abbreviate(value) + ": " + problem);
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
