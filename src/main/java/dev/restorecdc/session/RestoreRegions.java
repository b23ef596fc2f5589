package dev.restorecdc.session;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The regions, besides the deployment's own (the source table's, "home"), whose restores of the source
 * table this deployment follows: Terraform's {@code restore_regions}, handed to the workflow function as
 * {@code CDC_RESTORE_REGIONS} (comma-separated). Terraform forwards the restore events of exactly these
 * regions to the home event bus and grants replay and the settings copy exactly their tables; a restore
 * into any other region is refused at registration, before the lock is taken, with a reason that says
 * how to follow it.
 */
public record RestoreRegions(Set<String> regions) {

    public RestoreRegions {
        regions = Set.copyOf(regions);
    }

    /** Same-region restores only (no {@code restore_regions}). */
    public static RestoreRegions none() {
        return new RestoreRegions(Set.of());
    }

    /** From {@code CDC_RESTORE_REGIONS}: names separated by commas or spaces; blanks ignored. */
    public static RestoreRegions parse(Optional<String> value) {
        Set<String> regions = new TreeSet<>();
        value.ifPresent(v -> {
            for (String region : v.split("[,\\s]+")) {
                if (!region.isBlank()) {
                    regions.add(region.trim());
                }
            }
        });
        return new RestoreRegions(regions);
    }

    public static RestoreRegions of(Collection<String> regions) {
        return new RestoreRegions(Set.copyOf(regions));
    }

    /**
     * Why a restore into {@code targetRegion} is not followed, or empty when it is (the home region, or
     * one of the deployment's restore regions, or a record that names no region).
     */
    public Optional<String> refusal(String sourceTableName, String homeRegion, Optional<String> targetRegion, String targetTable) {
        if (targetRegion.isEmpty() || targetRegion.get().equals(homeRegion) || regions.contains(targetRegion.get())) {
            return Optional.empty();
        }
        return Optional.of("the restore of " + sourceTableName + " into " + targetTable + " in region " + targetRegion.get()
                + " is not followed: this deployment follows restores in " + homeRegion
                + (regions.isEmpty() ? " only" : " and " + String.join(", ", new TreeSet<>(regions)))
                + "; add " + targetRegion.get() + " to the Terraform variable restore_regions (its trail must record"
                + " that region's management events) to follow restores there");
    }
}
