package dev.restorecdc.session;

/** The checks every step input makes when it is bound, so a bad task input fails naming the field. */
final class StepInputs {

    private StepInputs() {
    }

    /** @throws IllegalArgumentException when the value is missing or blank */
    static String requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string, got " + (value == null ? null : "'" + value + "'"));
        }
        return value;
    }

    /** @throws IllegalArgumentException when the config is missing */
    static SessionConfig requireConfig(SessionConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must be an object, got null");
        }
        return config;
    }
}
