package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small SVG of one results.json: throughput medians (handler rows blue, baselines and ceilings
 * grey) per latency, then the catch-up times (handler, raw consumer, model) per concurrency and w.
 */
final class Chart {

    private static final int BAR = 20;
    private static final int LABEL = 430;
    private static final int PLOT = 380;

    private Chart() {
    }

    static String svg(JsonNode results) {
        List<Map.Entry<String, Double>> throughput = new ArrayList<>();
        results.path("figures").fields().forEachRemaining(f -> {
            if ((f.getKey().startsWith("capture.") || f.getKey().startsWith("replay.")) && f.getKey().endsWith("_per_s")) {
                throughput.add(Map.entry(f.getKey(), f.getValue().path("median").asDouble()));
            }
        });
        results.path("derived").fields().forEachRemaining(f -> throughput.add(Map.entry(f.getKey(), f.getValue().asDouble())));
        List<Map.Entry<String, Double>> catchUp = new ArrayList<>();
        for (JsonNode r : results.path("catch_up")) {
            String row = String.format(Locale.ROOT, "c %d, w %.0f/s", r.path("concurrency").asInt(), r.path("writes_per_s").asDouble());
            catchUp.add(Map.entry("catch-up " + row + ": replay handler", r.path("handler_s").asDouble(Double.NaN)));
            catchUp.add(Map.entry("catch-up " + row + ": raw consumer", r.path("raw_consumer_s").asDouble(Double.NaN)));
            catchUp.add(Map.entry("catch-up " + row + ": model B/(R-w)", r.path("model_s").asDouble(Double.NaN)));
        }
        int height = 100 + (throughput.size() + catchUp.size()) * BAR + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", LABEL + PLOT + 90, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        JsonNode settings = results.path("settings");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"16\" fill=\"#555\">%s run of %s, %d cores (target/bench/results.json)</text>%n",
                settings.path("quick").asBoolean() ? "Quick" : "Full", settings.path("measured_at").asText("?"), settings.path("processors").asInt()));
        int y = section(svg, 40, "Change path throughput, median per second (\"Nms\": N ms per AWS call at the latency proxy)", throughput);
        section(svg, y + 20, "Catch-up: seconds until caught up (shorter is better)", catchUp);
        return svg.append("</svg>\n").toString();
    }

    private static int section(StringBuilder svg, int top, String title, List<Map.Entry<String, Double>> bars) {
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"14\">%s</text>%n", top, title));
        double max = bars.stream().mapToDouble(Map.Entry::getValue).filter(v -> !Double.isNaN(v)).max().orElse(1);
        int y = top + 10;
        for (Map.Entry<String, Double> bar : bars) {
            double value = bar.getValue();
            double width = Double.isNaN(value) ? 0 : PLOT * value / max;
            String colour = bar.getKey().contains("handler") ? "#2b6cb0" : bar.getKey().contains("ceiling") || bar.getKey().contains("model")
                    ? "#68a063" : "#a0aec0";
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 14, bar.getKey()));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    LABEL, y + 3, Math.max(1, width), BAR - 6, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", LABEL + Math.max(1, width) + 5, y + 14,
                    Double.isNaN(value) ? "not caught up" : value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                            : String.format(Locale.ROOT, "%.1f", value)));
            y += BAR;
        }
        return y;
    }
}
