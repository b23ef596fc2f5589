package dev.restorecdc.session;

import dev.restorecdc.cdc.ReplaySemantics;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.restorecdc.session.ReplayFromRuleTest.latestCopy;
import static dev.restorecdc.session.ReplayFromRuleTest.undo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplaySemanticsRuleTest {

    private static final Optional<String> BOTH_IMAGES = Optional.of("NEW_AND_OLD_IMAGES");

    @Test
    void aLatestRestorableCopyReplaysWholeImagesAndAnUndoReplaysChanges() {
        assertThat(ReplaySemanticsRule.settle(latestCopy(), ReplaySemanticsMode.AUTO, BOTH_IMAGES))
                .isEqualTo(new ReplaySemanticsRule.Choice(ReplaySemantics.IMAGE, "auto:copy", Optional.empty()));
        assertThat(ReplaySemanticsRule.settle(undo(), ReplaySemanticsMode.AUTO, BOTH_IMAGES))
                .isEqualTo(new ReplaySemanticsRule.Choice(ReplaySemantics.CHANGE, "auto:undo", Optional.empty()));
    }

    @Test
    void theDeploymentMayForceEither() {
        assertThat(ReplaySemanticsRule.settle(undo(), ReplaySemanticsMode.IMAGE, BOTH_IMAGES).semantics()).isEqualTo(ReplaySemantics.IMAGE);
        assertThat(ReplaySemanticsRule.settle(latestCopy(), ReplaySemanticsMode.CHANGE, BOTH_IMAGES).semantics()).isEqualTo(ReplaySemantics.CHANGE);
    }

    @Test
    void anUndoOnANewImageStreamFallsBackToImagesAndSaysWhy() {
        ReplaySemanticsRule.Choice choice = ReplaySemanticsRule.settle(undo(), ReplaySemanticsMode.AUTO, Optional.of("NEW_IMAGE"));

        assertThat(choice.semantics()).isEqualTo(ReplaySemantics.IMAGE);
        assertThat(choice.note()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("NEW_IMAGE").contains("NEW_AND_OLD_IMAGES");
    }

    @Test
    void anUnknownSettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> ReplaySemanticsMode.parse("diff"))
                .hasMessage("replay_semantics must be one of auto, image, change, got 'diff'");
    }
}
