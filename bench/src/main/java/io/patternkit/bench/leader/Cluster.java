package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * N candidates of one contender in one election, kept running across rounds: the harness makes
 * the leader resign or kills it, measures until a successor reports {@code ELECTED}, then brings
 * the old leader back as a follower (a resigned candidate joins again; a killed one is started
 * again, its sidecar too when that was killed) before the next transition.
 *
 * <p>When a transition brings no successor within the timeout, the sample is NaN and the cluster
 * is started afresh on a new election name.
 */
final class Cluster implements AutoCloseable {
    private final Contender contender;
    private final LeaseSettings lease;
    private final int size;
    private final Path logDir;
    private final Duration settle;
    private final Duration timeout;
    private final AppProcess.Events events = new AppProcess.Events();
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private int generation;
    private String election;

    /**
     * @param contender whose candidates
     * @param lease their lease settings
     * @param size how many candidates (at least 2)
     * @param logDir where the processes' logs go
     * @param settle how long to let the cluster run before each transition (followers in their
     *     steady state, a restarted candidate past its first campaign attempt)
     */
    Cluster(Contender contender, LeaseSettings lease, int size, Path logDir, Duration settle) {
        if (size < 2) {
            throw new IllegalArgumentException("a cluster needs at least 2 candidates, got " + size);
        }
        this.contender = contender;
        this.lease = lease;
        this.size = size;
        this.logDir = logDir;
        this.settle = settle;
        this.timeout = lease.leaseDuration().multipliedBy(3).plusSeconds(20);
    }

    Contender contender() {
        return contender;
    }

    LeaseSettings lease() {
        return lease;
    }

    /**
     * Starts the candidates and waits until all joined and one is elected.
     *
     * @throws IllegalStateException when that does not happen within the timeout
     */
    void start() throws InterruptedException {
        generation++;
        // Unique per contender, phase, harness and restart: fabric8 and Patternkit's Kubernetes engine share a namespace.
        election = contender.key() + "-" + lease.leaseDuration().toMillis() + "-" + ProcessHandle.current().pid() + "-"
                + generation;
        int mark = events.mark();
        for (int i = 1; i <= size; i++) {
            String id = "c" + i;
            candidates.put(id, contender.launch(id, election, lease, events, logDir));
        }
        for (String id : candidates.keySet()) {
            awaitJoined(mark, id);
        }
        String leader = LeaderWatch.awaitLeader(events, timeout)
                .orElseThrow(() -> new IllegalStateException(contender.key() + ": nobody elected in " + election));
        log("started " + election + ", leader " + leader);
    }

    /**
     * Lets the cluster run for the settle time, then names the leader (the last candidate to report
     * {@code ELECTED} that has not lost, resigned or died since).
     */
    private String settledLeader() throws InterruptedException {
        Thread.sleep(settle.toMillis());
        return LeaderWatch.awaitLeader(events, timeout)
                .orElseThrow(() -> new IllegalStateException(contender.key() + ": nobody leads " + election));
    }

    /**
     * The leader resigns (a {@code RESIGN} command); measured from its {@code RESIGNING} stamp to
     * the successor's {@code ELECTED} stamp. The old leader joins again afterwards.
     */
    Sample handover(int round) throws InterruptedException {
        String old = settledLeader();
        int mark = events.mark();
        candidates.get(old).send("RESIGN");
        Optional<AppProcess.Event> resigning = events.awaitAfter(mark, e -> e.kind().equals("RESIGNING") && e.app().equals(old),
                timeout);
        Optional<AppProcess.Event> elected = events.awaitAfter(mark, e -> e.kind().equals("ELECTED") && !e.app().equals(old),
                timeout);
        if (resigning.isEmpty() || elected.isEmpty()) {
            return failed("handover", round, old);
        }
        events.awaitAfter(mark, e -> e.kind().equals("RESIGNED") && e.app().equals(old), timeout);
        int rejoin = events.mark();
        candidates.get(old).send("JOIN");
        awaitJoined(rejoin, old);
        return sample("handover", round, CandidateRuntime.epochMicros(elected.get().at()) - CandidateRuntime.epochMicros(resigning.get().at()), old,
                elected.get().app());
    }

    /**
     * {@code kill -9} of the leader's app ({@code withSidecar} false) or of its sidecar and app;
     * measured from the harness's stamp right before the signal to the successor's {@code ELECTED}
     * stamp. The killed processes are started again afterwards.
     */
    Sample crash(int round, boolean withSidecar) throws InterruptedException {
        String metric = withSidecar ? "crash-app-sidecar" : "crash-app";
        String old = settledLeader();
        Candidate victim = candidates.get(old);
        int mark = events.mark();
        long killedAt = withSidecar ? victim.killAppAndSidecar() : victim.killApp();
        Optional<AppProcess.Event> elected = events.awaitAfter(mark, e -> e.kind().equals("ELECTED") && !e.app().equals(old),
                timeout);
        if (elected.isEmpty()) {
            return failed(metric, round, old);
        }
        int restart = events.mark();
        if (withSidecar && contender.hasSidecar()) {
            victim.close();
            candidates.put(old, contender.launch(old, election, lease, events, logDir));
        } else {
            victim.restartApp();
        }
        awaitJoined(restart, old);
        return sample(metric, round, CandidateRuntime.epochMicros(elected.get().at()) - killedAt, old, elected.get().app());
    }

    private void awaitJoined(int mark, String id) throws InterruptedException {
        events.awaitAfter(mark, e -> e.app().equals(id) && (e.kind().equals("JOINED") || e.is(AppProcess.EXITED)),
                        Duration.ofSeconds(90))
                .filter(e -> e.kind().equals("JOINED"))
                .orElseThrow(() -> new IllegalStateException(contender.key() + ": candidate " + id + " did not join "
                        + election + "; see " + logDir));
    }

    private Sample sample(String metric, int round, long micros, String old, String successor) {
        Sample s = new Sample(contender.key(), metric, lease.leaseDuration().toMillis(), round, micros / 1000.0, old,
                successor);
        log(String.format(java.util.Locale.ROOT, "round %d %s %s -> %s: %.1f ms", round, metric, old, successor,
                s.millis()));
        return s;
    }

    private Sample failed(String metric, int round, String old) throws InterruptedException {
        log("round " + round + " " + metric + ": no successor within " + timeout.toSeconds() + " s; restarting the cluster");
        close();
        start();
        return new Sample(contender.key(), metric, lease.leaseDuration().toMillis(), round, Double.NaN, old, "");
    }

    private void log(String message) {
        System.err.println("[" + contender.key() + ", lease " + lease.leaseDuration().toMillis() + " ms] " + message);
    }

    /** Kills every candidate. */
    @Override
    public void close() {
        List<Candidate> all = new ArrayList<>(candidates.values());
        candidates.clear();
        all.forEach(Candidate::close);
    }
}
