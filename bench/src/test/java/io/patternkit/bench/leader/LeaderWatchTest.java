package io.patternkit.bench.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.testing.AppProcess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderWatchTest {
    private final List<AppProcess.Event> events = new ArrayList<>();

    private void add(String candidate, String kind) {
        events.add(new AppProcess.Event(Instant.now(), candidate, kind, kind));
    }

    @Test
    void theLeaderIsTheLastElectedThatHasNotLostResignedOrExited() {
        assertThat(LeaderWatch.leaderOf(events)).isEmpty();
        add("c1", "ELECTED");
        assertThat(LeaderWatch.leaderOf(events)).contains("c1");
        add("c2", "LOST");
        assertThat(LeaderWatch.leaderOf(events)).as("another candidate's loss").contains("c1");
        add("c1", "RESIGNING");
        assertThat(LeaderWatch.leaderOf(events)).isEmpty();
        add("c2", "ELECTED");
        add("c2", AppProcess.EXITED);
        assertThat(LeaderWatch.leaderOf(events)).isEmpty();
        add("c3", "ELECTED");
        add("c3", "LOST");
        assertThat(LeaderWatch.leaderOf(events)).isEmpty();
    }

    @Test
    void candidateLinesParseAsAppEventsWithTheCandidatesOwnTime() {
        AppProcess.Event e = AppProcess.parse("c2", "EVENT ELECTED at=2026-12-02T10:00:00.123456Z term 3", Instant.EPOCH)
                .orElseThrow();
        assertThat(e.app()).isEqualTo("c2");
        assertThat(e.kind()).isEqualTo("ELECTED");
        assertThat(CandidateRuntime.epochMicros(e.at())).isEqualTo(Instant.parse("2026-12-02T10:00:00Z").getEpochSecond()
                * 1_000_000L + 123_456);
    }
}
