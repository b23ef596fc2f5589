package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** README's bench table comes from results.json only, and replaces just the text between its markers. */
class BenchTableTest {

    private static final String RESULTS = """
            {"settings": {"quick": false, "runs": 5, "warm_up_invocations": 30, "replay_messages_per_run": 150,
                          "capture_records_per_run": 500, "pipeline_events": 1000000, "processors": 2,
                          "measured_at": "2026-12-01T04:00:00Z", "latencies_ms": [5, 20],
                          "catch_up": {"backlog": 1500, "keys": 1000, "zipf": 1.0, "latency_ms": 20, "poll_ms": 500}},
             "figures": {
               "replay.5ms.handler_items_per_s": {"label": "replay, handler", "median": 98.4, "min": 90, "max": 100,
                                                  "calls_per_invocation": {"BatchWriteItem": 1.0, "UpdateItem": 0.25}},
               "replay.20ms.handler_items_per_s": {"label": "replay, handler", "median": 46.0, "min": 45, "max": 47,
                                                   "calls_per_invocation": {"BatchWriteItem": 1.0}},
               "pipeline.events_per_s": {"median": 100000}, "pipeline.heap_at_start_MiB": {"median": 21},
               "pipeline.heap_after_MiB": {"median": 21}},
             "derived": {"replay.5ms.fair_ceiling_items_per_s": 128.0, "replay.20ms.fair_ceiling_items_per_s": 69.0},
             "ratios": {"replay.5ms.handler_vs_fair_ceiling_ratio": 0.77, "replay.20ms.handler_vs_fair_ceiling_ratio": 0.67,
                        "catchup.20ms.c1.w00.handler_vs_raw_time_ratio": 1.5},
             "catch_up": [{"concurrency": 1, "writes_per_s": 0, "replay_rate_per_s": 40, "handler_s": 37.5,
                           "raw_consumer_s": 25.0, "model_s": 37.5, "handler_calls_per_invocation": {"BatchWriteItem": 1.0}},
                          {"concurrency": 1, "writes_per_s": 20, "replay_rate_per_s": 40, "handler_s": null,
                           "raw_consumer_s": 50.0, "model_s": 75.0, "handler_calls_per_invocation": {}}]}
            """;

    @Test
    void rendersEveryLatencyAsAColumnWithCallsCeilingsRatiosAndCatchUp() throws Exception {
        String table = BenchTable.render(new ObjectMapper().readTree(RESULTS));

        assertThat(table).startsWith("Full run of 2026-12-01, 2 cores: medians of 5 runs per row");
        assertThat(table).contains("| 5 ms per call | 20 ms per call | AWS calls per invocation (at 20 ms) |");
        assertThat(table).contains("| replay, handler | 98.4 | 46.0 | BatchWriteItem 1.00 |");
        assertThat(table).contains("| replay, fair ceiling = 10 / (no-work invocation + raw BatchWriteItem of 10) | 128 | 69.0 |");
        assertThat(table).contains("| **ratio** replay handler ÷ fair ceiling | 0.77 | 0.67 |");
        assertThat(table).contains("| 1 | 0.0 | 40.0 | 37.5 | 25.0 | 37.5 | 1.50 | BatchWriteItem 1.00 |");
        assertThat(table).contains("| 1 | 20.0 | 40.0 | not caught up | 50.0 | 75.0 |  |  |");
        assertThat(table).contains("heap 21.0 MiB at start, 21.0 MiB after 1,000,000 events");
    }

    @Test
    void mainReplacesOnlyTheTextBetweenTheMarkers(@TempDir Path dir) throws Exception {
        Path results = Files.writeString(dir.resolve("results.json"), RESULTS);
        Path readme = Files.writeString(dir.resolve("README.md"),
                "# Title\n\nbefore\n" + BenchTable.START + "\nold table\n" + BenchTable.END + "\nafter\n");

        BenchTable.main(new String[] {results.toString(), readme.toString()});

        String text = Files.readString(readme);
        assertThat(text).startsWith("# Title\n\nbefore\n" + BenchTable.START + "\nFull run of").endsWith(BenchTable.END + "\nafter\n");
        assertThat(text).doesNotContain("old table");
        assertThat(dir.resolve("table.md")).content().isEqualTo(BenchTable.render(new ObjectMapper().readTree(RESULTS)));
    }
}
