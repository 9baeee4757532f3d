package io.patternkit.bench.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.bench.Args;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderReportTest {
    private final LeaderBench.Settings settings = LeaderBench.Settings.from(new Args(new String[] {
        "--rounds", "3", "--warmup-rounds", "1", "--long-rounds", "1"}));
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, Boolean> sidecars = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    LeaderReportTest() {
        labels.put("curator", "Curator");
        sidecars.put("curator", false);
        labels.put("patternkit-sqlite", "PK SQLite");
        sidecars.put("patternkit-sqlite", true);
    }

    private void add(String contender, String metric, long leaseMs, double... perRound) {
        samples.add(new Sample(contender, metric, leaseMs, -1, 99_999, "c1", "c2")); // warm-up: never reported
        for (int round = 0; round < perRound.length; round++) {
            samples.add(new Sample(contender, metric, leaseMs, round, perRound[round], "c1", "c2"));
        }
    }

    private LeaderReport report() {
        return new LeaderReport(settings, labels, sidecars, samples, List.of(), Duration.ofSeconds(1));
    }

    @Test
    void tablesShowMedianP90AndMaxOfTheRecordedRoundsAndPairedRatios() {
        add("curator", LeaderReport.HANDOVER, 3000, 10, 30, 20);
        add("curator", LeaderReport.CRASH_APP, 3000, 3000, 3100, 2900);
        add("patternkit-sqlite", LeaderReport.HANDOVER, 3000, 5, 10, 40);
        add("patternkit-sqlite", LeaderReport.CRASH_APP, 3000, 300, 310, 290);
        add("patternkit-sqlite", LeaderReport.CRASH_ALL, 3000, 3300, Double.NaN, 3400);
        String md = report().markdown();
        assertThat(md).contains("| graceful handover: the leader resigns → a successor is elected | 20.0 (30.0 / 30.0) | 10.0 (40.0 / 40.0) |");
        // a peer's crash fills both crash rows
        assertThat(md).contains("| crash: `kill -9` of the leader's app and its sidecar | 3,000 (3,100 / 3,100) | 3,350 (3,400 / 3,400), 1 without successor |");
        assertThat(md).contains("| crash, app alone, as a multiple of the lease duration | 1.00x | 0.10x |");
        // per-round ratios 10/5, 30/10, 20/40 -> median 2.00
        assertThat(md).contains("| PK SQLite | graceful handover | 2.00x |");
        assertThat(md).doesNotContain("99,999");
    }

    @Test
    void targetsSayWhatWasMetAndWhatWasNot() {
        add("curator", LeaderReport.HANDOVER, 3000, 10, 30, 20);
        add("patternkit-sqlite", LeaderReport.HANDOVER, 3000, 40, 45, 60);
        add("patternkit-sqlite", LeaderReport.CRASH_APP, 3000, 300, 310, 290);
        add("patternkit-sqlite", LeaderReport.CRASH_APP, 15000, 900, 1200, 800);
        add("patternkit-sqlite", LeaderReport.CRASH_ALL, 3000, 3400, 3600, 3500);
        String targets = report().targets();
        assertThat(targets).contains("graceful handover p50 under 50 ms | 45.0 ms | yes |");
        assertThat(targets).contains("graceful handover p50 at most 20 ms (issue 13) | 45.0 ms | **no** |");
        assertThat(targets).contains("graceful handover faster than both peers | 45.0 ms vs Curator 20.0 ms | **no** |");
        assertThat(targets).contains("under 1 s whatever the lease (p50) | 300 ms at lease 3.0 s, 900 ms at lease 15.0 s | yes |");
        assertThat(targets).contains("(3500 ms, p50) | 3,500 ms (1.17x the lease) | yes |");
    }

    @Test
    void withoutPatternkitTheTargetsSayNotMeasured() {
        labels.remove("patternkit-sqlite");
        sidecars.remove("patternkit-sqlite");
        add("curator", LeaderReport.HANDOVER, 3000, 10);
        assertThat(report().targets()).contains("not measured");
    }
}
