package io.patternkit.bench.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private final EventLog log = new EventLog();

    @Test
    void parsesEventLinesAndIgnoresEverythingElse() {
        assertThat(Event.parse("EVENT ELECTED 1700000000123456 c2 term 3"))
                .isEqualTo(new Event("ELECTED", 1700000000123456L, "c2", "term 3"));
        assertThat(Event.parse("EVENT JOINED 17 c1")).isEqualTo(new Event("JOINED", 17, "c1", ""));
        assertThat(Event.parse("09:00:00.000 WARN something EVENT ELECTED 1 c1")).isNull();
        assertThat(Event.parse("EVENT ELECTED soon c1")).isNull();
        assertThat(Event.parse("EVENT ELECTED")).isNull();
    }

    @Test
    void theLeaderIsTheLastElectedThatHasNotLostResignedOrDied() throws Exception {
        Duration none = Duration.ZERO;
        assertThat(log.awaitLeader(none)).isEmpty();
        log.add(new Event("ELECTED", 1, "c1", ""));
        assertThat(log.awaitLeader(none)).contains("c1");
        log.add(new Event("LOST", 2, "c2", ""));
        assertThat(log.awaitLeader(none)).as("another candidate's loss").contains("c1");
        log.add(new Event("RESIGNING", 3, "c1", ""));
        assertThat(log.awaitLeader(none)).isEmpty();
        log.add(new Event("ELECTED", 4, "c2", ""));
        log.add(new Event("EXITED", 5, "c2", ""));
        assertThat(log.awaitLeader(none)).isEmpty();
        log.add(new Event("ELECTED", 6, "c3", ""));
        log.add(new Event("LOST", 7, "c3", "RENEW_DEADLINE_PASSED"));
        assertThat(log.awaitLeader(none)).isEmpty();
    }

    @Test
    void awaitFindsTheFirstMatchSinceTheMarkWhateverArrivedBefore() throws Exception {
        log.add(new Event("ELECTED", 1, "c1", ""));
        int mark = log.mark();
        log.add(new Event("RESIGNING", 10, "c1", ""));
        log.add(new Event("ELECTED", 20, "c2", ""));
        log.add(new Event("ELECTED", 30, "c3", ""));
        assertThat(log.await(mark, e -> e.kind().equals("ELECTED") && !e.candidateId().equals("c1"), Duration.ZERO))
                .map(Event::candidateId).contains("c2");
        assertThat(log.await(log.mark(), e -> true, Duration.ofMillis(20))).isEmpty();
    }
}
