package dev.restorecdc.session;

/** Port: turns an event source mapping off (the cleanup from outside the state machine, {@code restore-cdc abort}). */
public interface MappingSwitch {

    /** Disables the mapping; disabling a disabled mapping is fine. */
    void disable(String mappingUuid);
}
