package dev.restorecdc.bench;

import java.util.ArrayList;
import java.util.List;

/** Median, min and max of repeated measurements. */
record Stats(double median, double min, double max) {

    static Stats of(List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1));
    }
}
