package io.patternkit.management;

import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The upward API's profile on demand ({@code GET /patternkit/profile?seconds=N}), as the single-container
 * management pattern's profiling asks for: a Java Flight Recorder recording of {@code N} seconds (1 to
 * 60, default 5) with the JDK's {@code profile} settings, answered as the {@code .jfr} file
 * ({@code application/octet-stream}, for JDK Mission Control or {@code jfr print}), or with
 * {@code format=summary} as JSON read back with {@code jdk.jfr.consumer}: the methods most often on top
 * of the sampled stacks and the most contended monitors (JFR's {@code jdk.JavaMonitorEnter}, entries
 * blocked 10 ms or more), by total blocked time.
 *
 * <p>One recording at a time: a request while one runs is a 429 problem with {@code Retry-After}. Bad
 * {@code seconds} or {@code format} is a 400 problem; other methods 405. The request blocks one of the
 * management server's workers for the recording's length.
 */
public final class ProfileEndpoint implements ManagementEndpoint {
    /** The path it is mounted on by {@link #mount}. */
    public static final String PATH = "/patternkit/profile";
    private static final int DEFAULT_SECONDS = 5;
    private static final int MAX_SECONDS = 60;
    private static final int TOP = 15;

    private final Semaphore recording = new Semaphore(1);
    private final Path directory;

    /** @param directory where recordings are written before they are sent; null for {@code java.io.tmpdir} */
    ProfileEndpoint(Path directory) {
        this.directory = directory;
    }

    /**
     * Mounts the endpoint at {@link #PATH}.
     *
     * @param server the application's management server; not null
     * @return the mount
     * @throws IllegalStateException when the path is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server) {
        return server.mount(PATH, new ProfileEndpoint(null));
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) throws IOException, ParseException, InterruptedException {
        Optional<ManagementResponse> refused = Requests.onlyGet(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Integer> secondsAsked = Requests.intInRange(request, "seconds", DEFAULT_SECONDS, 1, MAX_SECONDS);
        if (secondsAsked.isEmpty()) {
            return Requests.invalid("seconds must be an integer from 1 to " + MAX_SECONDS);
        }
        int seconds = secondsAsked.get();
        String format;
        try {
            format = request.query("format").orElse("jfr");
        } catch (IllegalArgumentException e) {
            format = "";
        }
        if (!format.equals("jfr") && !format.equals("summary")) {
            return Requests.invalid("format must be jfr or summary");
        }
        if (!recording.tryAcquire()) {
            return ManagementResponse.problem(ProblemType.RATE_LIMITED, "a profile is being recorded; one at a time")
                    .withHeader("Retry-After", Integer.toString(MAX_SECONDS));
        }
        Path file = null;
        try {
            file = directory == null ? Files.createTempFile("patternkit-profile-", ".jfr")
                    : Files.createTempFile(directory, "patternkit-profile-", ".jfr");
            record(Duration.ofSeconds(seconds), file);
            if (format.equals("jfr")) {
                return ManagementResponse.bytes(200, "application/octet-stream", Files.readAllBytes(file))
                        .withHeader("Content-Disposition", "attachment; filename=\"profile.jfr\"");
            }
            return ManagementResponse.jsonOf(200, summary(file, seconds));
        } finally {
            recording.release(); // also when the temporary file cannot be made (a read-only /tmp)
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void record(Duration length, Path file) throws IOException, ParseException, InterruptedException {
        try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
            r.setName("patternkit-profile");
            r.start();
            Thread.sleep(length.toMillis()); // the recording's length, not synchronisation
            r.stop();
            r.dump(file);
        }
    }

    private static Map<String, Object> summary(Path file, int seconds) {
        Map<String, Long> samples = new HashMap<>();
        Map<String, long[]> monitors = new HashMap<>();
        long total = 0;
        try (RecordingFile events = new RecordingFile(file)) {
            while (events.hasMoreEvents()) {
                RecordedEvent e = events.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ExecutionSample") && e.getStackTrace() != null
                        && !e.getStackTrace().getFrames().isEmpty()) {
                    RecordedFrame top = e.getStackTrace().getFrames().get(0);
                    samples.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1L, Long::sum);
                    total++;
                } else if (type.equals("jdk.JavaMonitorEnter") && e.getClass("monitorClass") != null) {
                    long[] m = monitors.computeIfAbsent(e.getClass("monitorClass").getName(), k -> new long[2]);
                    m[0]++;
                    m[1] += e.getDuration().toMillis();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long sampled = total;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("seconds", seconds);
        doc.put("executionSamples", sampled);
        doc.put("hottestMethods", samples.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
                .map(en -> Map.of("method", en.getKey(), "samples", en.getValue(),
                        "share", Math.round(1000.0 * en.getValue() / Math.max(1, sampled)) / 1000.0))
                .toList());
        doc.put("contendedMonitors", monitors.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> en) -> en.getValue()[1]).reversed()).limit(TOP)
                .map(en -> Map.of("monitorClass", en.getKey(), "entries", en.getValue()[0], "blockedMs", en.getValue()[1]))
                .toList());
        return doc;
    }
}
