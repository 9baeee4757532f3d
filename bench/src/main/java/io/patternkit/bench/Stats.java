package io.patternkit.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians, percentiles and number formatting shared by the benchmarks (also by {@code io.patternkit.bench.leader}). */
public final class Stats {
    private Stats() {
    }

    /** The median of the values (the mean of the middle two for an even count); NaN when empty. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The smallest value; NaN when empty. */
    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** The largest value; NaN when empty. */
    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * The nearest-rank percentile of the values (NaN values are skipped); NaN when none is left.
     *
     * @param values any order; not changed
     * @param percent 0 to 100
     * @return the percentile, in the values' unit
     */
    public static double percentile(List<Double> values, double percent) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * The nearest-rank percentile of the first {@code count} samples (sorted in place).
     *
     * @param samples nanoseconds
     * @param count how many of them are filled
     * @param percent 0 to 100
     * @return the percentile in nanoseconds
     */
    public static long percentile(long[] samples, int count, double percent) {
        Arrays.sort(samples, 0, count);
        int rank = (int) Math.ceil(percent / 100.0 * count);
        return samples[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    /** Formats a rate or count with thousands separators and no decimals. */
    public static String count(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    /** Formats a ratio with two decimals. */
    public static String ratio(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** Formats nanoseconds as microseconds with no decimals. */
    public static String micros(double nanos) {
        return String.format(Locale.ROOT, "%,.0f", nanos / 1000.0);
    }

    /** Formats a value with one decimal. */
    public static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Formats a fraction as a percentage with no decimals. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
