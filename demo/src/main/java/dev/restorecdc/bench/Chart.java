package dev.restorecdc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small horizontal bar chart (SVG) of the throughput medians, direct and behind the latency proxy. */
final class Chart {

    private Chart() {
    }

    static String svg(Map<String, Stats> rows, Duration latency) {
        List<Map.Entry<String, Stats>> bars = new ArrayList<>();
        rows.forEach((name, stats) -> {
            if (name.startsWith("capture.") || name.startsWith("replay.")) {
                bars.add(Map.entry(name, stats));
            }
        });
        double max = bars.stream().mapToDouble(e -> e.getValue().median()).max().orElse(1);
        int barHeight = 22;
        int labelWidth = 360;
        int plotWidth = 420;
        int height = 50 + bars.size() * barHeight;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", labelWidth + plotWidth + 90, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">Change path throughput "
                + "(median per second; \"%dms\" rows behind a %d ms per-call latency proxy)</text>%n",
                latency.toMillis(), latency.toMillis()));
        int y = 40;
        for (Map.Entry<String, Stats> bar : bars) {
            double width = plotWidth * bar.getValue().median() / max;
            String colour = bar.getKey().contains(".handler_") ? "#2b6cb0" : "#a0aec0";
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 15, bar.getKey()));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    labelWidth, y + 3, Math.max(1, width), barHeight - 6, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.0f</text>%n",
                    labelWidth + Math.max(1, width) + 5, y + 15, bar.getValue().median()));
            y += barHeight;
        }
        return svg.append("</svg>\n").toString();
    }
}
