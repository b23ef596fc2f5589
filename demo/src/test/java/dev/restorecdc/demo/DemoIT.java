package dev.restorecdc.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A short `make demo` on every `make test`: the whole story must end with an exact restored table. */
class DemoIT {

    @Test
    void quickDemoEndsWithARestoredTableEqualToTheReferenceModel() {
        Verification.Report report = new DemoStory(DemoStory.Options.quick(), System.out).play();

        assertThat(report.keysChecked()).isGreaterThan(10);
        assertThat(report.clean()).as(report.summary()).isTrue();
    }
}
