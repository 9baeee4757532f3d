package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recorded history of one election, from the candidates' event logs, the sidecars' logs and the fenced
 * store, and the safety properties checked on it.
 *
 * <p><b>Acting interval.</b> A term's acting interval, for the candidate that held it, runs from the first
 * to the last instant at which that candidate's SDK said the term was valid: the {@code ELECTED} event when
 * {@code isValid()} was still true on delivery, and every {@code VALID} event (an instant read <em>before</em>
 * a call of {@link io.patternkit.leader.LeadershipContext#isValid()} that returned true). Validity as the SDK
 * sees it ends at the local renew deadline (the send time of the last successful campaign or renew plus its
 * {@code validFor}) or at a revocation, whichever comes first; every instant in the interval lies before
 * it. All instants are {@link System#nanoTime()}, the machine's monotonic clock, shared by the processes.
 *
 * <p><b>Properties.</b> (1) No two terms' acting intervals overlap: sorted by start, each starts after every
 * earlier one ended (no tolerance: the guarantee is strict on one machine). (2) Tokens strictly increase in
 * that order. (3) No fencing token is used by two candidates: every term is held by exactly one candidate,
 * in the candidates' logs and in the sidecars' ("elected: election=.. candidate=.. term=..") alike. (4) No
 * stale write is accepted: replaying the store's attempts in arrival order, an accepted write never carries
 * a token lower than one accepted before it, and every write a candidate logged as accepted is one the store
 * recorded as accepted.
 */
final class LeaderHistory {
    private static final Pattern SIDECAR_ELECTED = Pattern.compile("elected: election=(\\S+) candidate=(\\S+) term=(\\d+)");

    /**
     * One term as its holder acted on it.
     *
     * @param candidate the holder
     * @param term the term
     * @param token its fencing token
     * @param start first valid instant (nanoTime)
     * @param end last valid instant (nanoTime)
     */
    record Term(String candidate, long term, long token, long start, long end) {
    }

    private final String election;
    private final List<CandidateEvent> events;
    private final List<FencedStore.Attempt> attempts;
    private final Map<Long, Set<String>> sidecarTerms = new TreeMap<>();

    private LeaderHistory(String election, List<CandidateEvent> events, List<FencedStore.Attempt> attempts,
            Collection<Path> sidecarLogs) {
        this.election = election;
        this.events = events;
        this.attempts = attempts;
        for (Path log : sidecarLogs) {
            try {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    Matcher m = SIDECAR_ELECTED.matcher(line);
                    if (m.find() && m.group(1).equals(election)) {
                        sidecarTerms.computeIfAbsent(Long.parseLong(m.group(3)), k -> new HashSet<>()).add(m.group(2));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static LeaderHistory of(String election, Collection<CandidateProcess> candidates, FencedStore store,
            Collection<Path> sidecarLogs) {
        List<CandidateEvent> all = new ArrayList<>();
        for (CandidateProcess c : candidates) {
            c.events().stream().filter(e -> e.election().equals(election)).forEach(all::add);
        }
        return new LeaderHistory(election, all, store.attempts(election), sidecarLogs);
    }

    /** @return the terms that were acted on, by start */
    List<Term> terms() {
        Map<String, Term> byKey = new HashMap<>();
        for (CandidateEvent e : events) {
            boolean validInstant = e.type().equals("VALID") || e.electedValid();
            if (!validInstant) {
                continue;
            }
            byKey.merge(e.candidate() + "/" + e.term(), new Term(e.candidate(), e.term(), e.token(), e.t(), e.t()),
                    (a, b) -> new Term(a.candidate(), a.term(), a.token(), Math.min(a.start(), b.start()),
                            Math.max(a.end(), b.end())));
        }
        return byKey.values().stream().sorted(Comparator.comparingLong(Term::start)).toList();
    }

    /** @return the candidate events of the election, by time */
    List<CandidateEvent> events() {
        return events.stream().sorted(Comparator.comparingLong(CandidateEvent::t)).toList();
    }

    /**
     * Checks the four properties of the class comment.
     *
     * @return a one-line summary (terms, smallest gap between terms, writes, late writes and how they ended)
     */
    String assertSafe() {
        List<Term> terms = terms();
        long maxEnd = Long.MIN_VALUE;
        long lastToken = 0;
        Term previous = null;
        long minGap = Long.MAX_VALUE;
        for (Term t : terms) {
            if (previous != null) {
                assertThat(t.start()).as("term %s of %s starts after every earlier term ended (previous %s); history:%n%s",
                        t.term(), t.candidate(), previous, this).isGreaterThan(maxEnd);
                minGap = Math.min(minGap, t.start() - maxEnd);
                assertThat(t.token()).as("fencing tokens strictly increase in time: %s after %s", t, previous)
                        .isGreaterThan(lastToken);
            }
            maxEnd = Math.max(maxEnd, t.end());
            lastToken = t.token();
            previous = t;
        }

        Map<Long, Set<String>> holders = new TreeMap<>();
        for (CandidateEvent e : events) {
            if (e.type().equals("ELECTED")) {
                holders.computeIfAbsent(e.token(), k -> new HashSet<>()).add(e.candidate());
            }
        }
        sidecarTerms.forEach((term, who) -> holders.computeIfAbsent(term, k -> new HashSet<>()).addAll(who));
        holders.forEach((token, who) -> assertThat(who).as("holders of fencing token %s", token).hasSize(1));

        long highest = 0;
        int late = 0;
        int lateRejected = 0;
        Set<String> acceptedByStore = new HashSet<>();
        for (FencedStore.Attempt a : attempts) {
            if (a.accepted()) {
                assertThat(a.token()).as("stale write accepted: %s (highest accepted before: %s)", a, highest)
                        .isGreaterThanOrEqualTo(highest);
                highest = a.token();
                acceptedByStore.add(a.candidate() + "/" + a.token() + "/" + a.n());
            } else {
                assertThat(a.token()).as("a write rejected although not stale: %s", a).isLessThan(highest);
            }
            if (isLate(a, terms)) {
                late++;
                if (!a.accepted()) {
                    lateRejected++;
                }
            }
        }
        for (CandidateEvent e : events) {
            if (e.accepted()) {
                String n = e.detail().split(" ")[0];
                assertThat(acceptedByStore).as("the store recorded %s as accepted", e)
                        .contains(e.candidate() + "/" + e.token() + "/" + n);
            }
        }
        return String.format("election %s: %d terms acted on (tokens %s), smallest gap between terms %s ms, "
                + "%d write attempts, %d late (after a successor's term began), %d of them rejected", election,
                terms.size(), terms.stream().map(Term::token).toList(),
                minGap == Long.MAX_VALUE ? "n/a" : String.format("%.1f", minGap / 1e6), attempts.size(), late,
                lateRejected);
    }

    /** A write is late when a term with a greater token had begun (been acted on) before it arrived. */
    private static boolean isLate(FencedStore.Attempt a, List<Term> terms) {
        return terms.stream().anyMatch(t -> t.token() > a.token() && t.start() < a.atNanos());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        long origin = events.stream().mapToLong(CandidateEvent::t).min().orElse(0);
        for (CandidateEvent e : events()) {
            if (e.type().equals("VALID") || e.type().equals("WRITE")) {
                continue;
            }
            b.append(String.format("  %9.3f s %-8s %-8s term %d %s%n", (e.t() - origin) / 1e9, e.candidate(), e.type(),
                    e.term(), e.detail()));
        }
        for (Term t : terms()) {
            b.append(String.format("  term %d by %s acted %9.3f .. %9.3f s%n", t.term(), t.candidate(),
                    (t.start() - origin) / 1e9, (t.end() - origin) / 1e9));
        }
        return b.toString();
    }
}
