package io.patternkit.bench.scatter;

import io.patternkit.bench.Stats;
import io.patternkit.bench.scatter.ScatterResults.OverheadRow;
import io.patternkit.bench.scatter.ScatterResults.Setup;
import io.patternkit.bench.scatter.ScatterResults.TailRow;
import io.patternkit.bench.scatter.ScatterResults.TailRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes {@code scatter.md}: the "Scatter/gather" section of {@code docs/benchmarks.md}, from a
 * {@link ScatterResults} ({@code bench/run.sh} puts it between markers, with the hand-written
 * {@code bench/notes-scatter.md}, so that it can replace the section alone). Medians over rounds; ratios are medians of
 * per-round ratios, each from one interleaved round.
 */
final class ScatterReport {
    /** The target of issue 4: p99 with hedging within this factor of the straggler-free p99. */
    static final double P99_TARGET = 1.5;
    /** The target of issue 13: p99.9 with hedging within this factor of the straggler-free p99.9. */
    static final double P999_TARGET = 2.0;
    /** The target of issue 4: hedging adds at most this share of leaf requests. */
    static final double EXTRA_TARGET = 0.05;

    private ScatterReport() {
    }

    static void write(Path out, ScatterResults r) throws IOException {
        Files.writeString(out.resolve("scatter.md"), markdown(r), StandardCharsets.UTF_8);
    }

    static String markdown(ScatterResults r) {
        Setup s = r.setup();
        StringBuilder md = new StringBuilder();
        md.append("## 5. Scatter/gather\n\n");
        md.append("Measured by `io.patternkit.bench.scatter.ScatterBench` on ").append(s.started()).append(" from commit ")
                .append(s.commit()).append(", on ").append(s.cores()).append(" cores (").append(s.cpu()).append("), ")
                .append(s.jdk()).append(", ").append(s.kernel()).append("; load average (1, 5, 15 min) before / after: ")
                .append(s.loadBefore()).append(" / ").append(s.loadAfter()).append("; wall time ").append(s.wallSeconds())
                .append(" s. `BENCH_ONLY=scatter bench/run.sh` reruns this section alone.\n\n");
        targets(md, r);
        method(md, r, s);
        overhead(md, r.overhead(), s);
        tail(md, r, s);
        leftOut(md, s);
        return md.toString();
    }

    // ---- targets ----

    private static void targets(StringBuilder md, ScatterResults r) {
        List<String> p99s = new ArrayList<>();
        List<String> p999s = new ArrayList<>();
        List<String> extras = new ArrayList<>();
        boolean p99Met = true;
        boolean p999Met = true;
        boolean extraMet = true;
        for (TailRun run : r.tailRuns()) {
            TailRow base = find(run.rows(), false, 0);
            TailRow hedged = find(run.rows(), true, ScatterBench.DEFAULT_MAX_HEDGES);
            double p99 = Stats.median(ratios(hedged.p99(), base.p99()));
            double p999 = hedged.pooledP999() / base.pooledP999();
            double extra = extraShare(hedged);
            p99s.add(Stats.ratio(p99) + "x (" + ms(Stats.median(hedged.p99())) + " vs " + ms(Stats.median(base.p99())) + " ms)");
            p999s.add(Stats.ratio(p999) + "x (" + ms(hedged.pooledP999()) + " vs " + ms(base.pooledP999()) + " ms)");
            extras.add(percent(extra));
            p99Met &= p99 <= P99_TARGET;
            p999Met &= p999 <= P999_TARGET;
            extraMet &= extra <= EXTRA_TARGET;
        }
        String runs = r.tailRuns().size() + " runs";
        md.append("| target (issues 4 and 13) | measured (medians; one figure per run) | met |\n|---|---|---|\n");
        md.append("| With ").append(pct(r.setup().stragglerPercent())).append(" of leaf calls ")
                .append(r.setup().stragglerFactor()).append("x slower and R=").append(r.setup().replicas())
                .append(": p99 with hedging within 1.5x of the straggler-free p99, in each of ").append(runs).append(" | ")
                .append(String.join("; ", p99s)).append(" | ").append(p99Met ? "yes" : "**no**").append(" |\n");
        md.append("| ... p99.9 within 2x of the straggler-free p99.9, in each run | ").append(String.join("; ", p999s))
                .append(" | ").append(p999Met ? "yes" : "**no**").append(" |\n");
        md.append("| ... at no more than 5% extra leaf requests | ").append(String.join("; ", extras)).append(" | ")
                .append(extraMet ? "yes" : "**no**").append(" |\n");
        for (int leaves : leafCounts(r.overhead())) {
            OverheadRow sdk = row(r.overhead(), leaves, 0);
            OverheadRow direct = row(r.overhead(), leaves, 2);
            md.append("| Fan-out overhead at ").append(leaves).append(" leaves (no target set): SDK + root vs a direct ")
                    .append("OkHttp `CompletableFuture` fan-out | p50 ").append(us(Stats.median(sdk.overheadP50())))
                    .append(" vs ").append(us(Stats.median(direct.overheadP50()))).append(" µs (")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP50(), direct.overheadP50())))).append("x), p99 ")
                    .append(us(Stats.median(sdk.overheadP99()))).append(" vs ").append(us(Stats.median(direct.overheadP99())))
                    .append(" µs | n/a |\n");
        }
        md.append('\n');
    }

    // ---- method ----

    private static void method(StringBuilder md, ScatterResults r, Setup s) {
        md.append("**Method.**\n");
        md.append("- *Processes*: three JVMs with default flags: the harness (the clients), the root sidecar as a user ")
                .append("starts it (`java -jar patternkit-sidecar.jar scatter --port 0`, default settings), and one leaf ")
                .append("process (`io.patternkit.bench.scatter.LeafHost`). A JVM per leaf would not fit on ")
                .append(s.cores()).append(" cores, so the leaf process hosts ").append(s.servers())
                .append(" `ManagementServer`s, each on its own port with its own Vert.x event loop and ")
                .append(s.workerThreads()).append(" worker threads, and on them one `ScatterLeaf` per pool, registered with ")
                .append("the root sidecar through the SDK like any application's leaf (replicas of a shard are on ")
                .append("different servers). All on loopback; every process shares the same cores.\n");
        md.append("- *Leaf work*: a fixed delay of ").append(s.delayMicros()).append(" µs per call (the handler parks ")
                .append("the thread; a cancellation by the root wakes it at once), no CPU work. Each answer carries the ")
                .append("handler's own service time (`System.nanoTime()` from its entry to its return), so ")
                .append("*overhead* = end-to-end latency − the slowest leaf's service time in that call: the cost of the ")
                .append("fan-out, the gathering and the merge, including the leaves' HTTP handling (the same for every ")
                .append("fan-out).\n");
        md.append("- *Fan-out overhead*: pools of 4, 16 and 64 shards, one replica each, hedging off. Four ways to ")
                .append("fan out over the same leaves: the SDK's `ScatterClient.scatter` (NDJSON, `Merger.toList()`) ")
                .append("through the root sidecar; a bare OkHttp POST to the root asking for one JSON document (the root ")
                .append("without the SDK); and two plain `CompletableFuture` fan-outs from the harness straight to the ")
                .append("leaves, with the body and headers the root sends, each answer parsed by Jackson, then ")
                .append("`allOf` and a merge into a list: OkHttp `enqueue` (dispatcher and pool sized for 256 calls to ")
                .append("one host) and the JDK `HttpClient.sendAsync` (HTTP/1.1). One call at a time (closed loop); ")
                .append("every iteration calls each of the four once, in an order that rotates every iteration. ")
                .append(s.warmup()).append(" unrecorded warm-up iterations per pool, then ").append(s.rounds())
                .append(" rounds of ").append(s.fanIterations()).append(" iterations per pool (pool order rotating ")
                .append("by round). Reported: medians over the rounds of each round's nearest-rank p50 and p99.\n");
        md.append("- *Tail latency*: the SDK against five pools of ").append(s.tailShards()).append(" shards x ")
                .append(s.replicas()).append(" replicas, one per variant, so the root's latency window and hedge budget ")
                .append("are the variant's own: no stragglers or ").append(pct(s.stragglerPercent()))
                .append(" of leaf calls (chosen at random by the leaf, hedges included) waiting ")
                .append(s.stragglerFactor()).append("x the delay; hedging off, or on with the delay at the pool's p")
                .append(trim(s.hedgePercentile())).append(" leaf latency (bounded to ").append(s.hedgeMinDelayMs())
                .append("..").append(s.hedgeMaxDelayMs()).append(" ms) and a budget of ")
                .append(trim(s.maxExtraLoadPercent())).append("% extra load (the root's budget: within any 10 s, that ")
                .append("share of the window's first requests plus a reserve of 10) and up to 2 hedges per shard")
                .append(s.hedgePercentile() == 95 && s.hedgeMinDelayMs() == 1 && s.hedgeMaxDelayMs() == 1000
                        && s.maxExtraLoadPercent() == 5 ? ": the root's defaults. " : ". ")
                .append("A fifth pool allows one hedge per shard, to show what the second one buys in the same run. ")
                .append("Deadline ").append(s.tailDeadlineMs()).append(" ms, completion `all`. The five variants ")
                .append("interleaved call by call, ").append(s.warmup()).append(" warm-up calls each and at least ")
                .append(s.tailWarmupSeconds()).append(" s of warm-up (the root's 30 s latency window and 10 s budget ")
                .append("window then hold warm calls only), then ")
                .append(s.rounds()).append(" rounds of ").append(s.tailIterations()).append(" calls each (")
                .append(String.format(Locale.ROOT, "%,d", (long) s.rounds() * s.tailIterations()))
                .append(" per variant). p50 and p99: medians of the rounds; p99.9: over all calls of the variant ")
                .append("(too few per round). Extra leaf requests = (leaf requests − one per shard per call) / one per ")
                .append("shard per call, from the answers' `stats`; the root's own counters are shown below. The whole ")
                .append("part runs ").append(r.tailRuns().size()).append(" times, each in a fresh root sidecar and leaf ")
                .append("process (part 1 has its own).\n\n");
    }

    // ---- part 1 ----

    private static void overhead(StringBuilder md, List<OverheadRow> rows, Setup s) {
        md.append("### Fan-out overhead\n\n");
        md.append("Microseconds, medians over ").append(s.rounds())
                .append(" rounds (min to max of the rounds in brackets for the overhead).\n\n");
        md.append("| leaves | fan-out | end-to-end p50 | end-to-end p99 | overhead p50 | overhead p99 | slowest leaf's own time p50 |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (OverheadRow row : rows) {
            md.append("| ").append(row.leaves()).append(" | ").append(row.fanOut()).append(" | ")
                    .append(us(Stats.median(row.e2eP50()))).append(" | ").append(us(Stats.median(row.e2eP99())))
                    .append(" | ").append(range(row.overheadP50())).append(" | ").append(range(row.overheadP99()))
                    .append(" | ").append(us(Stats.median(row.serviceP50()))).append(" |\n");
        }
        md.append("\nRatios of the overhead (medians of per-round ratios):\n\n");
        md.append("| leaves | SDK + root / direct OkHttp, p50 | p99 | SDK + root / direct JDK client, p50 | p99 ")
                .append("| bare root / direct OkHttp, p50 | SDK + root / bare root, p50 | per leaf, SDK + root, p50 ")
                .append("| per leaf, direct OkHttp, p50 |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int leaves : leafCounts(rows)) {
            OverheadRow sdk = row(rows, leaves, 0);
            OverheadRow bare = row(rows, leaves, 1);
            OverheadRow ok = row(rows, leaves, 2);
            OverheadRow jdk = row(rows, leaves, 3);
            md.append("| ").append(leaves).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP50(), ok.overheadP50())))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP99(), ok.overheadP99())))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP50(), jdk.overheadP50())))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP99(), jdk.overheadP99())))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(bare.overheadP50(), ok.overheadP50())))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(sdk.overheadP50(), bare.overheadP50())))).append(" | ")
                    .append(us(Stats.median(sdk.overheadP50()) / leaves)).append(" µs | ")
                    .append(us(Stats.median(ok.overheadP50()) / leaves)).append(" µs |\n");
        }
        md.append("\nHow the overhead grows with the leaves (issue 13, target 4), against the fewest leaves: a growth equal to ")
                .append("the leaf ratio is linear in the fan-out, a smaller one is a fixed cost spread over more leaves.\n\n");
        md.append("| leaves | leaf ratio | SDK + root overhead p50 growth | p99 growth | direct OkHttp overhead p50 growth |\n");
        md.append("|---:|---:|---:|---:|---:|\n");
        List<Integer> counts = leafCounts(rows);
        int fewest = counts.get(0);
        for (int leaves : counts) {
            md.append("| ").append(leaves).append(" | ").append(Stats.ratio((double) leaves / fewest)).append("x | ")
                    .append(growth(rows, leaves, fewest, 0, OverheadRow::overheadP50)).append(" | ")
                    .append(growth(rows, leaves, fewest, 0, OverheadRow::overheadP99)).append(" | ")
                    .append(growth(rows, leaves, fewest, 2, OverheadRow::overheadP50)).append(" |\n");
        }
        md.append('\n');
    }

    private static String growth(List<OverheadRow> rows, int leaves, int fewest, int fanOut,
            Function<OverheadRow, List<Double>> column) {
        return Stats.ratio(Stats.median(column.apply(row(rows, leaves, fanOut)))
                / Stats.median(column.apply(row(rows, fewest, fanOut)))) + "x";
    }

    // ---- part 2 ----

    /** @return the root's count of the variant's hedges with this result ({@code denied}, {@code deferred}) in the run */
    private static String hedges(TailRun run, TailRow row, String result) {
        return String.format(Locale.ROOT, "%,.0f",
                run.hedgeMetrics().getOrDefault(row.pool(), Map.of()).getOrDefault("hedges." + result, 0.0));
    }

    private static void tail(StringBuilder md, ScatterResults r, Setup s) {
        md.append("### Tail latency with stragglers\n\n");
        md.append("Milliseconds. p50 and p99: medians over ").append(s.rounds()).append(" rounds of ")
                .append(String.format(Locale.ROOT, "%,d", s.tailIterations()))
                .append(" calls; p99.9: over all calls of the variant; ratios: medians of per-round ratios to the ")
                .append("baseline's p99 (p99.9: of the pooled p99.9s). Every run in a fresh root sidecar and leaf process.\n\n");
        md.append("| run | load before | baseline p99 | hedged p99 | p99 ratio | baseline p99.9 | hedged p99.9 | p99.9 ratio ")
                .append("| one hedge per shard: p99.9 ratio | extra leaf requests | hedges denied | hedges deferred ")
                .append("| stragglers waited for |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (TailRun run : r.tailRuns()) {
            TailRow base = find(run.rows(), false, 0);
            TailRow hedged = find(run.rows(), true, ScatterBench.DEFAULT_MAX_HEDGES);
            TailRow once = find(run.rows(), true, 1);
            md.append("| ").append(run.run()).append(" | ").append(run.loadBefore()).append(" | ")
                    .append(ms(Stats.median(base.p99()))).append(" | ").append(ms(Stats.median(hedged.p99()))).append(" | ")
                    .append(Stats.ratio(Stats.median(ratios(hedged.p99(), base.p99())))).append("x | ")
                    .append(ms(base.pooledP999())).append(" | ").append(ms(hedged.pooledP999())).append(" | ")
                    .append(Stats.ratio(hedged.pooledP999() / base.pooledP999())).append("x | ")
                    .append(Stats.ratio(once.pooledP999() / base.pooledP999())).append("x | ")
                    .append(percent(extraShare(hedged))).append(" | ")
                    .append(hedges(run, hedged, "denied")).append(" | ").append(hedges(run, hedged, "deferred"))
                    .append(" | ").append(hedged.straggledParts()).append(" |\n");
        }
        for (TailRun run : r.tailRuns()) {
            TailRow base = find(run.rows(), false, 0);
            md.append("\n#### Run ").append(run.run()).append(" (load average before / after: ").append(run.loadBefore())
                    .append(" / ").append(run.loadAfter()).append(")\n\n");
            md.append("| variant | calls | p50 | p99 | p99.9 | p99 / baseline p99 | extra leaf requests | hedges won ")
                    .append("| cancelled requests | incomplete calls | stragglers answered |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (TailRow row : run.rows()) {
                md.append("| ").append(row.variant()).append(" | ").append(String.format(Locale.ROOT, "%,d", row.calls()))
                        .append(" | ").append(ms(Stats.median(row.p50()))).append(" | ").append(ms(Stats.median(row.p99())))
                        .append(" | ").append(ms(row.pooledP999())).append(" | ")
                        .append(Stats.ratio(Stats.median(ratios(row.p99(), base.p99())))).append("x | ")
                        .append(percent(extraShare(row))).append(" (").append(row.leafRequests() - row.firstRequests())
                        .append(") | ").append(row.hedgesWon()).append(" | ").append(row.cancelledRequests()).append(" | ")
                        .append(row.incomplete()).append(" | ").append(row.straggledParts()).append(" |\n");
            }
            md.append("\nThe root sidecar's own counters over the measured rounds (`/metrics`; leaf requests by kind, ")
                    .append("hedges by result):\n\n| pool | counters |\n|---|---|\n");
            for (Map.Entry<String, Map<String, Double>> e : run.hedgeMetrics().entrySet()) {
                List<String> parts = new ArrayList<>();
                e.getValue().forEach((k, v) -> parts.add("`" + k + "` " + String.format(Locale.ROOT, "%,.0f", v)));
                md.append("| ").append(e.getKey()).append(" | ").append(String.join(", ", parts)).append(" |\n");
            }
        }
        md.append('\n');
    }

    private static void leftOut(StringBuilder md, Setup s) {
        md.append("**Left out.**\n");
        md.append("- A network: everything is on loopback on one machine, and the leaves, the root and the client ")
                .append("share ").append(s.cores()).append(" cores, so a wide fan-out also measures CPU contention; ")
                .append("the leaves are servers in one JVM (one GC, one JIT), not machines or pods.\n");
        md.append("- Load: one scatter at a time (closed loop), so no throughput or saturation numbers, and no queueing ")
                .append("behind other scatters.\n");
        md.append("- Leaves with CPU work, large parts or request bodies (a part is about 100 bytes), quorum and ")
                .append("first-N policies, the merge container, failover from dead or failing replicas, and hedging ")
                .append("with more than ").append(s.replicas()).append(" replicas.\n");
        md.append("- The direct fan-outs have no deadline, hedging, cancellation or per-shard outcome: the comparison ")
                .append("prices those features and the extra hop together.\n");
        md.append("- With a fixed leaf delay, a hedged shard answers after about the hedge delay plus one leaf time, ")
                .append("so the p99 ratio cannot go far below (root overhead + 2 x delay) / (root overhead + delay); a ")
                .append("leaf latency with a natural spread (as in The Tail at Scale) is not modelled.\n\n");
    }

    // ---- helpers ----

    static double extraShare(TailRow row) {
        return row.firstRequests() == 0 ? Double.NaN
                : (row.leafRequests() - row.firstRequests()) / (double) row.firstRequests();
    }

    private static TailRow find(List<TailRow> rows, boolean stragglers, int maxHedges) {
        return rows.stream().filter(t -> t.stragglers() == stragglers && t.maxHedges() == maxHedges).findFirst()
                .orElseThrow();
    }

    private static List<Integer> leafCounts(List<OverheadRow> rows) {
        return rows.stream().map(OverheadRow::leaves).distinct().toList();
    }

    /** The row of a leaf count and the fan-out at {@code index} in {@link ScatterBench}'s order. */
    private static OverheadRow row(List<OverheadRow> rows, int leaves, int index) {
        return rows.stream().filter(r -> r.leaves() == leaves).skip(index).findFirst().orElseThrow();
    }

    private static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            out.add(a.get(i) / b.get(i));
        }
        return out;
    }

    private static String range(List<Double> values) {
        return us(Stats.median(values)) + " (" + us(Stats.min(values)) + " to " + us(Stats.max(values)) + ")";
    }

    private static String us(double micros) {
        return String.format(Locale.ROOT, "%,.0f", micros);
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%,.2f", micros / 1000.0);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String pct(double percent) {
        return trim(percent) + "%";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
