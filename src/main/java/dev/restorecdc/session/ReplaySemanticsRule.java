package dev.restorecdc.session;

import dev.restorecdc.cdc.ReplaySemantics;

import java.util.Optional;

/**
 * How the session's replay applies changes (DESIGN.md, second round): a copy (restore to the latest
 * restorable time) must end equal to the source, so it replays whole images; an undo (restore to an
 * explicit point) must keep the undone values out, so it replays what each change did. The
 * deployment may force either. Change replay needs the stream's old images: with a NEW_IMAGE stream
 * the session falls back to images and says why in {@code replay_semantics_note}.
 */
public final class ReplaySemanticsRule {

    /** Change replay computes what a change did from both images. */
    static final String NEEDED_VIEW_TYPE = "NEW_AND_OLD_IMAGES";

    private ReplaySemanticsRule() {
    }

    /**
     * @param semantics what replay does
     * @param rule      {@code auto:copy}, {@code auto:undo} or {@code forced}, stored as {@code replay_semantics_rule}
     * @param note      why change replay was not possible, stored as {@code replay_semantics_note}; empty otherwise
     */
    public record Choice(ReplaySemantics semantics, String rule, Optional<String> note) {
    }

    /** @param streamViewType the source stream's view type, if it has a stream */
    public static Choice settle(RestoreRequest request, ReplaySemanticsMode mode, Optional<String> streamViewType) {
        ReplaySemantics wanted = switch (mode) {
            case IMAGE -> ReplaySemantics.IMAGE;
            case CHANGE -> ReplaySemantics.CHANGE;
            case AUTO -> request.latestRestorable() ? ReplaySemantics.IMAGE : ReplaySemantics.CHANGE;
        };
        String rule = mode != ReplaySemanticsMode.AUTO ? "forced" : request.latestRestorable() ? "auto:copy" : "auto:undo";
        if (wanted == ReplaySemantics.CHANGE && !streamViewType.filter(NEEDED_VIEW_TYPE::equals).isPresent()) {
            return new Choice(ReplaySemantics.IMAGE, rule, Optional.of("change replay needs the stream's old images, but "
                    + "the source stream's view type is " + streamViewType.orElse("(no stream)") + ": whole new images "
                    + "are replayed, so values the undone window left on an item come back with its later writes "
                    + "(enable the stream with " + NEEDED_VIEW_TYPE + " for undo restores)"));
        }
        return new Choice(wanted, rule, Optional.empty());
    }
}
