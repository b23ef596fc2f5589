package dev.restorecdc.cdc;

/** The three kinds of change a DynamoDB stream record carries. */
public enum EventName {
    INSERT, MODIFY, REMOVE;

    public static EventName parse(String value) {
        if (value != null) {
            for (EventName name : values()) {
                if (name.name().equals(value)) {
                    return name;
                }
            }
        }
        throw new MalformedChangeException("eventName", value, "expected INSERT, MODIFY or REMOVE");
    }

    /** A REMOVE deletes the item; INSERT and MODIFY both leave the new image in place. */
    public boolean deletes() {
        return this == REMOVE;
    }
}
