package io.patternkit.it;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.RevocationReason;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A candidate app for the leader integration tests, run as its own JVM with the test classpath: it runs one
 * {@link Leadership} per named election against its own sidecar process and, while leader, does "leader
 * work": every {@value #PERIOD_MS} ms it checks {@link LeadershipContext#isValid()}, prepares a write for
 * {@code prepMs} (the window between check and act that a pause can hit), and sends the write, stamped
 * with the term's fencing token, to the {@link FencedStore} of the test JVM.
 *
 * <p>Arguments: sidecar URL, store URL, candidate id, events file, prepare time in ms, then one or more
 * election names. Standard input takes commands: {@code close <election>} closes that election's
 * {@link Leadership} (a graceful resign), {@code exit} closes all and exits.
 *
 * <p>Events file: one line per event, written and flushed before the next action, so that a
 * {@code kill -9} loses nothing already done. Every line starts with {@link System#nanoTime()} (the
 * machine's monotonic clock, comparable across the processes of one Linux machine) and the event:
 * <ul>
 *   <li>{@code <t> STARTED <candidate> <pid>}</li>
 *   <li>{@code <t> ELECTED <election> <term> <token> <valid>}: {@code t} read on entering
 *       {@code elected}, then {@code valid} = {@code isValid()} read after it</li>
 *   <li>{@code <t> VALID <election> <term> <token>}: {@code t} read <em>before</em> a check of
 *       {@code isValid()} that returned true, so {@code t} is an instant at which the term was valid</li>
 *   <li>{@code <t> WRITE <election> <term> <token> <n> <accepted|rejected|error>}</li>
 *   <li>{@code <t> REVOKED <election> <term> <token> <reason>}</li>
 *   <li>{@code <t> OBSERVED <election> <leader|-> <term>}</li>
 *   <li>{@code <t> CLOSED <election>}: after {@link Leadership#close()} returned</li>
 * </ul>
 */
public final class LeaderCandidateMain {
    static final long PERIOD_MS = 50;

    private final String candidate;
    private final URI store;
    private final long prepMs;
    private final OutputStream events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LeaderCandidateMain(String candidate, URI store, long prepMs, OutputStream events) {
        this.candidate = candidate;
        this.store = store;
        this.prepMs = prepMs;
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        URI sidecar = URI.create(args[0]);
        URI store = URI.create(args[1]);
        String candidate = args[2];
        try (OutputStream out = new FileOutputStream(args[3], true)) {
            LeaderCandidateMain app = new LeaderCandidateMain(candidate, store, Long.parseLong(args[4]), out);
            app.event("STARTED " + candidate + " " + ProcessHandle.current().pid());
            app.run(sidecar, java.util.Arrays.copyOfRange(args, 5, args.length));
        }
        System.exit(0);
    }

    private void run(URI sidecar, String[] elections) throws IOException {
        LeaderElectionClient client = LeaderElectionClient.create(SidecarConfig.builder().baseUrl(sidecar)
                .callTimeout(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(50)).build());
        Map<String, Leadership> handles = new LinkedHashMap<>();
        for (String election : elections) {
            handles.put(election, Leadership.builder(client).election(election).candidateId(candidate)
                    .listener(new Listener()).errorBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build()
                    .start());
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            if (cmd[0].equals("close") && cmd.length == 2 && handles.containsKey(cmd[1])) {
                handles.get(cmd[1]).close();
                event("CLOSED " + cmd[1]);
            } else if (cmd[0].equals("exit")) {
                break;
            }
        }
        handles.values().forEach(Leadership::close);
        client.close();
    }

    private final class Listener implements LeadershipListener {
        @Override
        public void elected(LeadershipContext ctx) {
            long t = System.nanoTime();
            boolean valid = ctx.isValid();
            event(t, "ELECTED " + ctx.election() + " " + ctx.term() + " " + ctx.fencingToken() + " " + valid);
            Thread worker = new Thread(() -> work(ctx), "leader-work-" + ctx.election() + "-" + ctx.term());
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        public void revoked(LeadershipContext ctx, RevocationReason reason) {
            event("REVOKED " + ctx.election() + " " + ctx.term() + " " + ctx.fencingToken() + " " + reason);
        }

        @Override
        public void leaderObserved(LeaderObservation o) {
            event("OBSERVED " + o.election() + " " + o.leader().orElse("-") + " " + o.term());
        }
    }

    /** The leader work of one term: check, prepare, write with the fencing token; until the term is invalid. */
    private void work(LeadershipContext ctx) {
        String id = ctx.election() + " " + ctx.term() + " " + ctx.fencingToken();
        long n = 0;
        while (true) {
            long t = System.nanoTime();
            if (!ctx.isValid()) {
                return; // learned of the end before acting
            }
            event(t, "VALID " + id);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(prepMs));
            String result = write(ctx, ++n);
            event("WRITE " + id + " " + n + " " + result);
            long next = t + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
            while (System.nanoTime() < next) {
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
    }

    private String write(LeadershipContext ctx, long n) {
        URI uri = store.resolve("/write?election=" + ctx.election() + "&candidate=" + candidate + "&token="
                + ctx.fencingToken() + "&n=" + n);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "accepted" : r.statusCode() == 409 ? "rejected" : "error";
        } catch (IOException e) {
            return "error";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error";
        }
    }

    private void event(String text) {
        event(System.nanoTime(), text);
    }

    private synchronized void event(long t, String text) {
        try {
            events.write((t + " " + text + "\n").getBytes(StandardCharsets.UTF_8));
            events.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
