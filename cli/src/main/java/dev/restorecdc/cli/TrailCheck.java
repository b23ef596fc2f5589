package dev.restorecdc.cli;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

import java.util.ArrayList;
import java.util.List;

/**
 * EventBridge receives "AWS API Call via CloudTrail" events only while a trail in this region
 * (or a multi-region one) logs write management events: without it no restore ever starts a session.
 */
final class TrailCheck {

    static final String NAME = "cloudtrail trail";

    private final CloudTrailClient cloudTrail;
    private final String region;
    private final List<String> restoreRegions;

    /**
     * @param restoreRegions the other regions whose restores the deployment follows (restore_regions):
     *                       their restore calls are logged there, so a trail must log management events
     *                       there too
     */
    TrailCheck(CloudTrailClient cloudTrail, String region, List<String> restoreRegions) {
        this.cloudTrail = cloudTrail;
        this.region = region;
        this.restoreRegions = restoreRegions;
    }

    Check run() {
        List<String> notLogging = new ArrayList<>();
        List<String> noManagement = new ArrayList<>();
        for (Trail trail : cloudTrail.describeTrails(r -> r.includeShadowTrails(true)).trailList()) {
            if (!Boolean.TRUE.equals(trail.isMultiRegionTrail()) && !region.equals(trail.homeRegion())) {
                continue;
            }
            String id = trail.trailARN() != null ? trail.trailARN() : trail.name();
            if (!Boolean.TRUE.equals(cloudTrail.getTrailStatus(r -> r.name(id)).isLogging())) {
                notLogging.add(trail.name());
            } else if (!logsWriteManagementEvents(id)) {
                noManagement.add(trail.name());
            } else if (!restoreRegions.isEmpty() && !Boolean.TRUE.equals(trail.isMultiRegionTrail())) {
                // A trail homed in another region is not listed here: say what is missing, not that it is.
                return Check.warn(NAME, "trail " + trail.name() + " logs management events in " + region + " only; a restore "
                                + "into " + String.join(", ", restoreRegions) + " is logged there, and without a trail "
                                + "logging there it starts no session",
                        "make it multi-region (terraform apply -var create_trail=true makes a multi-region trail when "
                                + "restore_regions is set), or check that a trail logs write management events in "
                                + String.join(", ", restoreRegions));
            } else {
                return Check.ok(NAME, "trail " + trail.name() + " logs management events"
                        + (Boolean.TRUE.equals(trail.isMultiRegionTrail()) ? " in all regions" : " in " + region));
            }
        }
        String create = "terraform apply -var create_trail=true (a minimal management-events trail), or create a trail "
                + "logging write management events in " + region;
        if (!notLogging.isEmpty()) {
            return Check.fail(NAME, "trail " + String.join(", ", notLogging) + " exists but is not logging",
                    "aws cloudtrail start-logging --name " + notLogging.get(0) + ", or " + create);
        }
        if (!noManagement.isEmpty()) {
            return Check.fail(NAME, "trail " + String.join(", ", noManagement) + " logs no write management events",
                    "add management events (read/write All or WriteOnly) to its event selectors, or " + create);
        }
        return Check.fail(NAME, "no trail logs management events in " + region
                + ": EventBridge never sees RestoreTableToPointInTime, so no session starts", create);
    }

    private boolean logsWriteManagementEvents(String trail) {
        GetEventSelectorsResponse selectors;
        try {
            selectors = cloudTrail.getEventSelectors(r -> r.trailName(trail));
        } catch (SdkException e) {
            if (AwsErrors.isAccessDenied(e) || AwsErrors.isUnreachable(e)) {
                throw e;
            }
            return true; // a shadow trail's selectors are readable only in its home region; its status said logging
        }
        if (selectors.eventSelectors().isEmpty() && selectors.advancedEventSelectors().isEmpty()) {
            return true; // a trail without selectors logs all management events (CloudTrail's default)
        }
        boolean classic = selectors.eventSelectors().stream().anyMatch(s -> !Boolean.FALSE.equals(s.includeManagementEvents())
                && s.readWriteType() != ReadWriteType.READ_ONLY);
        return classic || selectors.advancedEventSelectors().stream().anyMatch(TrailCheck::selectsWriteManagement);
    }

    private static boolean selectsWriteManagement(AdvancedEventSelector selector) {
        boolean management = false;
        boolean readOnly = false;
        for (AdvancedFieldSelector field : selector.fieldSelectors()) {
            if ("eventCategory".equals(field.field()) && field.equalsValue().contains("Management")) {
                management = true;
            }
            if ("readOnly".equals(field.field()) && field.equalsValue().contains("true")) {
                readOnly = true;
            }
        }
        return management && !readOnly;
    }
}
