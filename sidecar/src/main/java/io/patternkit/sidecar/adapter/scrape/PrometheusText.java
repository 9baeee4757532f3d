package io.patternkit.sidecar.adapter.scrape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (what {@code Accept: text/plain;
 * version=0.0.4} gets from every Prometheus client library): {@code # HELP} and {@code # TYPE}
 * lines, samples with labels (escapes {@code \\}, {@code \"}, {@code \n}), values including
 * {@code NaN} and {@code ±Inf}, optional timestamps (dropped: the sidecar's scrape is the time).
 * The Prometheus Java client writes this format but reads none, and no maintained Java reader
 * exists; Prometheus' own reader is Go's {@code expfmt}, whose rules this follows.
 */
final class PrometheusText {
    /** A family's type as {@code # TYPE} declares it; {@code UNTYPED} when it declares none. */
    enum Type { COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED }

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A family: the samples of one metric name (with a histogram's or summary's suffixed ones). */
    record Family(String name, Type type, String help, List<Sample> samples) {
    }

    /** A line that is not the format, with its number. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private PrometheusText() {
    }

    /**
     * @param text an exposition
     * @return its families in the order they first appear
     * @throws FormatException at the first line that is not the format
     */
    static List<Family> parse(String text) throws FormatException {
        Map<String, Family> families = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                comment(line, number, families);
                continue;
            }
            Sample sample = new SampleReader(line, number).read();
            family(families, sample.name()).samples().add(sample);
        }
        return List.copyOf(families.values());
    }

    private static void comment(String line, int number, Map<String, Family> families) throws FormatException {
        String[] words = line.substring(1).trim().split("[ \t]+", 3);
        if (words.length < 2 || !(words[0].equals("HELP") || words[0].equals("TYPE"))) {
            return; // any other comment
        }
        String name = words[1];
        if (!validName(name)) {
            throw new FormatException(number, "invalid metric name '" + name + "'");
        }
        Family existing = families.get(name);
        String rest = words.length > 2 ? words[2] : "";
        if (words[0].equals("TYPE")) {
            Type type;
            try {
                type = Type.valueOf(rest.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FormatException(number, "unknown type '" + rest + "'");
            }
            if (existing != null && !existing.samples().isEmpty()) {
                throw new FormatException(number, "# TYPE " + name + " after its samples");
            }
            families.put(name, new Family(name, type, existing == null ? null : existing.help(), new ArrayList<>()));
        } else {
            String help = unescapeHelp(rest);
            families.put(name, new Family(name, existing == null ? Type.UNTYPED : existing.type(), help,
                    existing == null ? new ArrayList<>() : existing.samples()));
        }
    }

    /** The family a sample belongs to: its own name's, or the histogram's or summary's it is a suffixed part of. */
    private static Family family(Map<String, Family> families, String sampleName) {
        Family own = families.get(sampleName);
        if (own != null) {
            return own;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                Family base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (base != null && (base.type() == Type.HISTOGRAM || base.type() == Type.SUMMARY && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        Family untyped = new Family(sampleName, Type.UNTYPED, null, new ArrayList<>());
        families.put(sampleName, untyped);
        return untyped;
    }

    /** HELP text's escapes, {@code \\} and {@code \n}, read in one pass (so {@code \\n} is a backslash and an n). */
    private static String unescapeHelp(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '\\' || text.charAt(i + 1) == 'n')) {
                out.append(text.charAt(++i) == 'n' ? '\n' : '\\');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean validName(String name) {
        return name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
    }

    /** Reads one sample line, character by character. */
    private static final class SampleReader {
        private final String line;
        private final int number;
        private int at;

        SampleReader(String line, int number) {
            this.line = line;
            this.number = number;
        }

        Sample read() throws FormatException {
            String name = name(true);
            Map<String, String> labels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at++;
                while (true) {
                    blanks();
                    if (at < line.length() && line.charAt(at) == '}') {
                        at++;
                        break;
                    }
                    String label = name(false);
                    blanks();
                    expect('=');
                    blanks();
                    if (labels.put(label, quoted()) != null) {
                        throw new FormatException(number, "label " + label + " given twice");
                    }
                    blanks();
                    if (at < line.length() && line.charAt(at) == ',') {
                        at++;
                    } else if (at >= line.length() || line.charAt(at) != '}') {
                        throw new FormatException(number, "expected ',' or '}' at column " + (at + 1));
                    }
                }
            }
            String[] rest = line.substring(at).trim().split("[ \t]+");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                throw new FormatException(number, "expected a value and at most a timestamp after " + name);
            }
            if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
                throw new FormatException(number, "the timestamp '" + rest[1] + "' is not whole milliseconds");
            }
            return new Sample(name, labels, value(rest[0]));
        }

        private String name(boolean metric) throws FormatException {
            int start = at;
            while (at < line.length()) {
                char c = line.charAt(at);
                boolean ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || at > start && c >= '0' && c <= '9'
                        || metric && c == ':';
                if (!ok) {
                    break;
                }
                at++;
            }
            if (at == start) {
                throw new FormatException(number, "expected a " + (metric ? "metric" : "label") + " name at column " + (at + 1));
            }
            return line.substring(start, at);
        }

        private String quoted() throws FormatException {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (at < line.length()) {
                char c = line.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (at >= line.length()) {
                        break;
                    }
                    char e = line.charAt(at++);
                    switch (e) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new FormatException(number, "unknown escape '\\" + e + "' in a label value");
                    }
                } else {
                    value.append(c);
                }
            }
            throw new FormatException(number, "a label value has no closing quote");
        }

        private void expect(char c) throws FormatException {
            if (at >= line.length() || line.charAt(at) != c) {
                throw new FormatException(number, "expected '" + c + "' at column " + (at + 1));
            }
            at++;
        }

        private void blanks() {
            while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
                at++;
            }
        }

        private double value(String text) throws FormatException {
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "+Inf", "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    if (!NUMBER.matcher(text).matches()) {
                        throw new FormatException(number, "the value '" + text + "' is not a number");
                    }
                    return Double.parseDouble(text);
            }
        }
    }
}
