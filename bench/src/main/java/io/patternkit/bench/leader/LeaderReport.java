package io.patternkit.bench.leader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.bench.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the samples and call costs into {@code leader.md} (the "Leader election" section's tables),
 * {@code targets-leader.md} (rows of the doc's targets table) and {@code leader.json} (every sample).
 */
final class LeaderReport {
    static final String HANDOVER = "handover";
    static final String CRASH_APP = "crash-app";
    static final String CRASH_ALL = "crash-app-sidecar";

    private final LeaderBench.Settings settings;
    private final Map<String, String> labels;
    private final Map<String, Boolean> sidecars;
    private final List<Sample> samples;
    private final List<CallCost> calls;
    private final Duration took;

    /**
     * @param labels column headings by contender key, in column order
     * @param sidecars whether each contender runs a sidecar next to its app
     */
    LeaderReport(LeaderBench.Settings settings, Map<String, String> labels, Map<String, Boolean> sidecars,
            List<Sample> samples, List<CallCost> calls, Duration took) {
        this.settings = settings;
        this.labels = labels;
        this.sidecars = sidecars;
        this.samples = samples;
        this.calls = calls;
        this.took = took;
    }

    void write(Path out) throws IOException {
        Files.writeString(out.resolve("leader.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("targets-leader.md"), targets(), StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("contenders", labels);
        json.put("tookSeconds", took.toSeconds());
        json.put("samples", samples);
        List<Map<String, Object>> callRows = new ArrayList<>();
        for (CallCost cost : calls) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("contender", cost.probe().contender());
            row.put("operation", cost.probe().operation());
            row.put("call", cost.probe().what());
            row.put("p50NanosPerRound", cost.p50());
            row.put("p99NanosPerRound", cost.p99());
            row.put("failedCalls", cost.failures()[0]);
            callRows.add(row);
        }
        json.put("calls", callRows);
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("leader.json").toFile(), json);
    }

    // ---- markdown

    String markdown() {
        StringBuilder md = new StringBuilder();
        LeaseSettings lease = settings.lease();
        long leaseMs = lease.leaseDuration().toMillis();
        md.append("**").append(capitalized(lease.describe())).append("** (").append(settings.candidates())
                .append(" candidates per contender; ").append(plural(settings.rounds(), "round")).append(" after ")
                .append(plural(settings.warmupRounds(), "unrecorded warm-up round")).append("). Milliseconds from the trigger to the")
                .append(" successor's elected callback: median (p90 / max over the rounds). A peer's candidate is one")
                .append(" process, so its crash is the same in both crash rows (measured once per round).\n\n");
        header(md, "transition");
        row(md, "graceful handover: the leader resigns → a successor is elected", HANDOVER, HANDOVER, leaseMs, false);
        row(md, "crash: `kill -9` of the leader's app alone", CRASH_APP, CRASH_APP, leaseMs, false);
        row(md, "crash: `kill -9` of the leader's app and its sidecar", CRASH_ALL, CRASH_APP, leaseMs, false);
        row(md, "crash, app alone, as a multiple of the lease duration", CRASH_APP, CRASH_APP, leaseMs, true);
        row(md, "crash, app and sidecar, as a multiple of the lease duration", CRASH_ALL, CRASH_APP, leaseMs, true);
        md.append('\n');

        List<String> patternkit = labels.keySet().stream().filter(k -> sidecars.get(k)).toList();
        List<String> peers = labels.keySet().stream().filter(k -> !sidecars.get(k)).toList();
        if (!patternkit.isEmpty() && !peers.isEmpty()) {
            md.append("**Ratios** (peer time / Patternkit time, the median of the per-round ratios, each from one round's")
                    .append(" pair; above 1: Patternkit is faster)\n\n| Patternkit engine | transition |");
            peers.forEach(p -> md.append(" vs ").append(labels.get(p)).append(" |"));
            md.append("\n|---|---|").append("---:|".repeat(peers.size())).append('\n');
            for (String pk : patternkit) {
                ratioRow(md, pk, "graceful handover", HANDOVER, HANDOVER, leaseMs, peers);
                ratioRow(md, pk, "crash, app alone", CRASH_APP, CRASH_APP, leaseMs, peers);
                ratioRow(md, pk, "crash, app and sidecar", CRASH_ALL, CRASH_APP, leaseMs, peers);
            }
            md.append('\n');
        }

        if (settings.longRounds() > 0) {
            LeaseSettings longLease = settings.longLease();
            long longMs = longLease.leaseDuration().toMillis();
            md.append("**").append(capitalized(longLease.describe())).append("** (client-go's defaults; ")
                    .append(settings.longCandidates()).append(" candidates per contender; ").append(plural(settings.longRounds(), "round"))
                    .append(", no warm-up): only the crash of the app alone, to show what depends on the lease.\n\n");
            header(md, "transition");
            row(md, "crash: `kill -9` of the leader's app alone", CRASH_APP, CRASH_APP, longMs, false);
            row(md, "crash, app alone, as a multiple of the lease duration", CRASH_APP, CRASH_APP, longMs, true);
            md.append('\n');
        }

        md.append("**Cost of one low-level call** (").append(plural(settings.callRounds(), "round")).append(" of ")
                .append(settings.callIterations()).append(" calls per kind after ").append(settings.callWarmup())
                .append(" warm-up calls, one thread, kinds interleaved call by call in a rotating order; median over")
                .append(" the rounds of each round's p50 and p99, in microseconds)\n\n")
                .append("| contender | operation | what is called | p50 µs | p99 µs |\n|---|---|---|---:|---:|\n");
        if (calls.isEmpty()) {
            md.append("| all | | not measured: the probes could not start (see the run's output) | n/a | n/a |\n");
        }
        for (CallCost cost : calls) {
            md.append("| ").append(labels.getOrDefault(cost.probe().contender(), cost.probe().contender())).append(" | ")
                    .append(cost.probe().operation()).append(" | ").append(cost.probe().what()).append(" | ")
                    .append(micros(cost.medianP50())).append(" | ").append(micros(cost.medianP99()));
            if (cost.failures()[0] > 0) {
                md.append(" (").append(cost.failures()[0]).append(" calls failed, left out)");
            }
            md.append(" |\n");
        }
        if (labels.containsKey("curator")) {
            md.append("| ").append(labels.get("curator"))
                    .append(" | renew | none: the ZooKeeper client keeps its session alive with pings of its own | n/a | n/a |\n");
        }
        md.append("\nWall time of the leader benchmark: ").append(took.toSeconds()).append(" s.\n");
        return md.toString();
    }

    private void header(StringBuilder md, String first) {
        md.append("| ").append(first).append(" |");
        labels.values().forEach(l -> md.append(' ').append(l).append(" |"));
        md.append("\n|---|").append("---:|".repeat(labels.size())).append('\n');
    }

    private void row(StringBuilder md, String title, String metric, String peerMetric, long leaseMs, boolean multiple) {
        md.append("| ").append(title).append(" |");
        for (String key : labels.keySet()) {
            String m = sidecars.get(key) ? metric : peerMetric;
            List<Double> values = values(key, m, leaseMs);
            long failed = failures(key, m, leaseMs);
            String cell;
            if (values.isEmpty() && failed == 0) {
                cell = "n/a";
            } else if (multiple) {
                cell = String.format(Locale.ROOT, "%.2fx", Stats.median(values) / leaseMs);
            } else {
                cell = ms(Stats.median(values)) + " (" + ms(Stats.percentile(values, 90)) + " / " + ms(Stats.max(values)) + ")";
            }
            if (failed > 0) {
                cell += ", " + failed + " without successor";
            }
            md.append(' ').append(cell).append(" |");
        }
        md.append('\n');
    }

    private void ratioRow(StringBuilder md, String pk, String title, String metric, String peerMetric, long leaseMs,
            List<String> peers) {
        md.append("| ").append(labels.get(pk)).append(" | ").append(title).append(" |");
        for (String peer : peers) {
            md.append(' ').append(Stats.ratio(pairedRatio(peer, peerMetric, pk, metric, leaseMs))).append("x |");
        }
        md.append('\n');
    }

    /** The median over the rounds of {@code numerator / denominator}, rounds where both have a value. */
    private double pairedRatio(String numerator, String numeratorMetric, String denominator, String denominatorMetric,
            long leaseMs) {
        List<Double> ratios = new ArrayList<>();
        for (Sample a : recorded(numerator, numeratorMetric, leaseMs)) {
            for (Sample b : recorded(denominator, denominatorMetric, leaseMs)) {
                if (a.round() == b.round() && !Double.isNaN(a.millis()) && !Double.isNaN(b.millis()) && b.millis() > 0) {
                    ratios.add(a.millis() / b.millis());
                }
            }
        }
        return Stats.median(ratios);
    }

    // ---- targets

    /** The plain SQLite contender, the one issue 13's handover target names. */
    private static final String SQLITE = "patternkit-sqlite";

    String targets() {
        List<String> patternkit = labels.keySet().stream().filter(k -> sidecars.get(k)).toList();
        if (patternkit.isEmpty()) {
            return "| Leader election: Patternkit's targets (handover under 50 ms p50 on every engine and faster than both"
                    + " peers; crash of the app alone under 1 s; app and sidecar within lease + one retry period) | not"
                    + " measured: the Patternkit contender was not run | n/a |\n";
        }
        long leaseMs = settings.lease().leaseDuration().toMillis();
        long longMs = settings.longLease().leaseDuration().toMillis();
        long bound = leaseMs + settings.lease().retryPeriod().toMillis();
        StringBuilder md = new StringBuilder();
        for (String pk : patternkit) {
            String label = labels.get(pk);
            double handover = median(pk, HANDOVER, leaseMs);
            md.append("| Leader, ").append(label).append(": graceful handover p50 under 50 ms | ").append(ms(handover))
                    .append(" ms | ").append(met(handover < 50)).append(" |\n");
            if (pk.equals(SQLITE)) {
                md.append("| Leader, ").append(label).append(": graceful handover p50 at most 20 ms (issue 13) | ")
                        .append(ms(handover)).append(" ms | ").append(met(handover <= 20)).append(" |\n");
            }
            List<String> slower = new ArrayList<>();
            boolean faster = true;
            for (String peer : labels.keySet()) {
                if (!sidecars.get(peer)) {
                    double theirs = median(peer, HANDOVER, leaseMs);
                    slower.add(labels.get(peer) + " " + ms(theirs) + " ms");
                    faster &= handover < theirs;
                }
            }
            if (!slower.isEmpty()) {
                md.append("| Leader, ").append(label).append(": graceful handover faster than both peers | ")
                        .append(ms(handover)).append(" ms vs ").append(String.join(", ", slower)).append(" | ")
                        .append(met(faster)).append(" |\n");
            }
            double crash = median(pk, CRASH_APP, leaseMs);
            double crashLong = settings.longRounds() > 0 ? median(pk, CRASH_APP, longMs) : Double.NaN;
            boolean crashMet = crash < 1000 && (Double.isNaN(crashLong) || crashLong < 1000);
            md.append("| Leader, ").append(label).append(": crash of the app alone under 1 s whatever the lease (p50) | ")
                    .append(ms(crash)).append(" ms at lease ").append(leaseMs / 1000.0).append(" s");
            if (!Double.isNaN(crashLong)) {
                md.append(", ").append(ms(crashLong)).append(" ms at lease ").append(longMs / 1000.0).append(" s");
            }
            md.append(" | ").append(met(crashMet)).append(" |\n");
            double all = median(pk, CRASH_ALL, leaseMs);
            md.append("| Leader, ").append(label).append(": crash of app and sidecar at most lease + one retry period (")
                    .append(bound).append(" ms, p50) | ").append(ms(all)).append(" ms (")
                    .append(String.format(Locale.ROOT, "%.2f", all / leaseMs)).append("x the lease) | ")
                    .append(met(all <= bound)).append(" |\n");
        }
        return md.toString();
    }

    // ---- helpers

    private List<Sample> recorded(String contender, String metric, long leaseMs) {
        return samples.stream().filter(s -> s.round() >= 0 && s.contender().equals(contender)
                && s.metric().equals(metric) && s.leaseMs() == leaseMs).toList();
    }

    private List<Double> values(String contender, String metric, long leaseMs) {
        return recorded(contender, metric, leaseMs).stream().map(Sample::millis).filter(v -> !Double.isNaN(v)).toList();
    }

    private long failures(String contender, String metric, long leaseMs) {
        return recorded(contender, metric, leaseMs).stream().filter(s -> Double.isNaN(s.millis())).count();
    }

    private double median(String contender, String metric, long leaseMs) {
        return Stats.median(values(contender, metric, leaseMs));
    }

    private static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "n/a";
        }
        return millis < 100 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%,.0f", millis);
    }

    private static String micros(double nanos) {
        return Double.isNaN(nanos) ? "n/a" : Stats.micros(nanos);
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String capitalized(String text) {
        Objects.requireNonNull(text);
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
