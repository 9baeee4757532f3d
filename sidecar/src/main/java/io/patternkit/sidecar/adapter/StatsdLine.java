package io.patternkit.sidecar.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One statsd metric line, {@code name:value|type[|@rate][|#tag:value,...]} (Etsy statsd, with
 * DogStatsD's sample rate and tags): types {@code c} (counter), {@code g} (gauge; a leading sign
 * makes it relative), {@code ms} (timer, milliseconds), {@code h} and {@code d} (histogram,
 * distribution). Sets ({@code s}) and events are not metrics Prometheus can hold and are refused, as are
 * lines with more than {@value #MAX_TAGS} tags or a tag value over {@value #MAX_TAG_VALUE} characters.
 *
 * @param name the metric name, dots kept (Prometheus turns them into underscores)
 * @param value the value, scaled up by the sample rate for counters
 * @param type {@code c}, {@code g}, {@code ms} or {@code h} ({@code d} is read as {@code h})
 * @param relative for a gauge, whether the value is added to the current one
 * @param tags the tags as alternating keys and values
 */
record StatsdLine(String name, double value, String type, boolean relative, List<String> tags) {
    private static final int MAX_NAME = 200;
    /** At most this many tags on a line: each new label set is a series the sidecar holds until it stops. */
    static final int MAX_TAGS = 32;
    /** At most this many characters in a tag's value (a label value is held in every series that carries it). */
    static final int MAX_TAG_VALUE = 256;

    /**
     * Parses a line.
     *
     * @param line the line, without its newline
     * @return the metric, or empty when the line is malformed or of a type Prometheus cannot hold
     */
    static Optional<StatsdLine> parse(String line) {
        int colon = line.indexOf(':');
        int bar = line.indexOf('|', colon + 1);
        if (colon < 1 || bar < 0 || colon > MAX_NAME) {
            return Optional.empty();
        }
        String name = line.substring(0, colon);
        if (!name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) {
            return Optional.empty();
        }
        String[] fields = line.substring(bar + 1).split("\\|");
        String type = fields[0].equals("d") ? "h" : fields[0];
        if (!List.of("c", "g", "ms", "h").contains(type)) {
            return Optional.empty();
        }
        String number = line.substring(colon + 1, bar);
        boolean relative = type.equals("g") && (number.startsWith("+") || number.startsWith("-"));
        double value;
        double rate = 1;
        List<String> tags = new ArrayList<>();
        try {
            value = Double.parseDouble(number);
            for (int i = 1; i < fields.length; i++) {
                if (fields[i].startsWith("@")) {
                    rate = Double.parseDouble(fields[i].substring(1));
                } else if (fields[i].startsWith("#")) {
                    for (String tag : fields[i].substring(1).split(",")) {
                        int sep = tag.indexOf(':');
                        String key = sep < 0 ? tag : tag.substring(0, sep);
                        String tagValue = sep < 0 ? "" : tag.substring(sep + 1);
                        if (!key.matches("[A-Za-z_][A-Za-z0-9_]{0,63}") || tagValue.length() > MAX_TAG_VALUE
                                || tags.size() == 2 * MAX_TAGS) {
                            return Optional.empty();
                        }
                        tags.add(key);
                        tags.add(tagValue);
                    }
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!Double.isFinite(value) || !(rate > 0 && rate <= 1)) {
            return Optional.empty();
        }
        return Optional.of(new StatsdLine(name, type.equals("c") ? value / rate : value, type, relative, List.copyOf(tags)));
    }
}
