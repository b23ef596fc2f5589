package dev.restorecdc.session;

import java.util.Optional;

/** Port: an event source mapping's state and, where the API gives one, its last processing result. */
public interface MappingStates {

    /**
     * @param state                Enabled, Enabling, Disabled, Disabling, ...
     * @param lastProcessingResult e.g. "OK", "No records processed", "PROBLEM: Function call failed"
     */
    record MappingStatus(String state, Optional<String> lastProcessingResult) {
    }

    MappingStatus status(String mappingUuid);
}
