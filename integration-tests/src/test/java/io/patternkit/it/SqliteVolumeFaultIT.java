package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the embedded engine's volume (issue 14): the sidecar runs in a mount namespace of its own
 * ({@code unshare -m}) with its data directory on a 16 MiB tmpfs, which the test fills up from outside
 * ({@code nsenter}), as a full persistent volume would be. While the volume is full, writes must get 503
 * {@code engine-unavailable} problems (never a 5xx without a problem, never a silent loss) and readiness 503,
 * reads keep working,
 * and once space is freed the sidecar serves on its own, without a restart, and every item enqueued before or
 * after is delivered. A volume that turns read-only under the running sidecar (ext4 after a storage error) gets
 * 503s and loses nothing; a read-only volume stops the sidecar at start with the reason. Needs root (mounts);
 * skipped elsewhere.
 */
class SqliteVolumeFaultIT {
    private static final int ITEMS = 200;

    @TempDir
    Path tmp;

    private final Resources resources = new Resources();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path data;

    @BeforeEach
    void volume() throws IOException {
        assumeTrue(canMount(), "needs unshare and mount (root)");
        data = Files.createDirectories(tmp.resolve("volume"));
    }

    /**
     * @param options the tmpfs's mount options, such as {@code size=16m} or {@code size=16m,ro}
     * @return a sidecar whose {@code java} runs in a mount namespace of its own, with the data directory on a tmpfs
     */
    private SidecarProcess.Builder sidecarOnItsOwnVolume(String options) throws IOException {
        return sidecarOnItsOwnMount("mount -t tmpfs -o " + options + " tmpfs");
    }

    /**
     * @param mount the mount command without its mount point, which the launcher appends (the data directory)
     * @return a sidecar whose {@code java} runs in a mount namespace of its own, with the data directory mounted so
     */
    private SidecarProcess.Builder sidecarOnItsOwnMount(String mount) throws IOException {
        Path launcher = tmp.resolve("java-on-its-own-volume.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/bash\n"
                + "exec unshare -m --propagation private bash -c '" + mount + " \"$1\" && shift && exec \"$@\"'"
                + " _ '" + data + "' '" + java + "' \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return SidecarProcess.workqueue().java(launcher).dataDir(data).args("--backoff-base", "50ms", "--backoff-max", "1s");
    }

    @AfterEach
    void closeAll() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    @Test
    void aFullVolumeRefusesWritesWith503KeepsReadingAndTheSidecarRecoversOnItsOwn() throws Exception {
        SidecarProcess sidecar = track(sidecarOnItsOwnVolume("size=16m").start());
        long pid = sidecar.pid();
        WorkQueue queue = track(WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                .callTimeout(Duration.ofSeconds(5)).maxRetries(0).build())).queue("volume");
        queue.enqueueAll(items(0, ITEMS));
        URI enqueue = sidecar.baseUrl().resolve("/v1/queues/volume/items");

        // Full: fill the tmpfs from inside the sidecar's mount namespace.
        inNamespace(pid, "dd", "if=/dev/zero", "of=" + data.resolve("ballast"), "bs=64k");
        HttpResponse<String> full = post(enqueue, "{\"payload\":{\"while\":\"full\"}}");
        assertEngineUnavailable(full);
        assertThat(get(sidecar.baseUrl().resolve("/v1/queues/volume/stats")).statusCode()).as("reads still work")
                .isEqualTo(200);
        await("not ready while it cannot write").atMost(30, TimeUnit.SECONDS)
                .until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 503);
        inNamespace(pid, "rm", data.resolve("ballast").toString());
        await().atMost(30, TimeUnit.SECONDS).until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 200);
        await().atMost(30, TimeUnit.SECONDS).until(() -> post(enqueue, "{\"payload\":{\"after\":\"full\"}}").statusCode() == 201);

        queue.enqueueAll(items(ITEMS, ITEMS));

        Set<String> processed = ConcurrentHashMap.newKeySet();
        track(WorkQueueConsumer.builder(queue, item -> processed.add(item.id())).concurrency(4).batchSize(16)
                .visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofSeconds(1)).build()).start();
        int expected = 2 * ITEMS + 1; // the items before and after, and the enqueue that found the volume writable again
        await().atMost(2, TimeUnit.MINUTES).ignoreExceptions().until(() -> {
            QueueStats s = queue.stats();
            return s.acked() == expected && s.ready() + s.inFlight() + s.delayed() == 0;
        });
        assertThat(processed).as("every item enqueued before, between and after the faults, none lost").hasSize(expected);
        assertThat(sidecar.pid()).as("recovered without a restart").isEqualTo(pid);
        System.out.printf("[sqlite volume faults] full volume: 503 engine-unavailable for writes, reads served, %d "
                + "items delivered, 0 lost, same sidecar pid %d%n", expected, pid);
    }

    /**
     * A volume that turns read-only under a running sidecar, as ext4 does on a storage error
     * ({@code errors=remount-ro}): an ext4 image on a loop device in the sidecar's mount namespace, and the kernel's
     * own fault knob ({@code /sys/fs/ext4/<dev>/trigger_fs_error}) to fail it. (Linux refuses to remount a volume
     * read-only while the database is open for writing, so the error is the only way there.) Writes must get 503
     * {@code engine-unavailable} and the sidecar must report not ready without crashing; such a file system stays
     * read-only until it is unmounted and checked, so the sidecar is restarted on the repaired volume, where every
     * item it had acknowledged is still there and is delivered.
     */
    @Test
    void aVolumeThatTurnsReadOnlyUnderARunningSidecarGets503sAndLosesNothing() throws Exception {
        assumeTrue(command("mkfs.ext4", "-V") == 0 && command("losetup", "-f") == 0, "needs mkfs.ext4 and a loop device");
        Path image = tmp.resolve("volume.ext4");
        try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(64L << 20);
        }
        assertThat(command("mkfs.ext4", "-q", "-F", image.toString())).isZero();
        String mount = "mount -o loop,errors=remount-ro " + image;
        SidecarProcess sidecar = track(sidecarOnItsOwnMount(mount).start());
        WorkQueue queue = track(WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                .callTimeout(Duration.ofSeconds(5)).maxRetries(0).build())).queue("volume");
        queue.enqueueAll(items(0, ITEMS));
        // What SQLite has written reaches the disk (synchronous=NORMAL leaves the last commits in the page cache,
        // which a failing disk loses whatever the application does); then the disk fails.
        inNamespace(sidecar.pid(), "sync");
        String loop = loopDeviceOf(image);
        Files.writeString(Path.of("/sys/fs/ext4", loop, "trigger_fs_error"), "1\n");

        URI enqueue = sidecar.baseUrl().resolve("/v1/queues/volume/items");
        HttpResponse<String> refused = await().atMost(30, TimeUnit.SECONDS)
                .until(() -> post(enqueue, "{\"payload\":{\"while\":\"read-only\"}}"), r -> r.statusCode() != 201);
        assertEngineUnavailable(refused);
        await().atMost(30, TimeUnit.SECONDS).until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 503);
        assertThat(sidecar.isAlive()).as("no crash").isTrue();
        int stats = get(sidecar.baseUrl().resolve("/v1/queues/volume/stats")).statusCode();
        sidecar.close();

        // The repair an operator (or the kubelet's restart on a healthy node) does: unmounted, checked, mounted again.
        await().atMost(30, TimeUnit.SECONDS).until(() -> loopDeviceOfOrEmpty(image).isEmpty());
        assertThat(command("e2fsck", "-f", "-y", image.toString())).isBetween(0, 1);
        SidecarProcess restarted = track(sidecarOnItsOwnMount(mount).start());
        WorkQueue again = track(WorkQueueClient.create(SidecarConfig.builder().baseUrl(restarted.baseUrl())
                .callTimeout(Duration.ofSeconds(5)).build())).queue("volume");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        track(WorkQueueConsumer.builder(again, item -> processed.add(item.payloadJson().orElseThrow())).concurrency(4)
                .batchSize(16).visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofSeconds(1)).build()).start();
        await().atMost(2, TimeUnit.MINUTES).ignoreExceptions().until(() -> again.stats().acked() == ITEMS);
        assertThat(processed).as("every acknowledged item, none lost").hasSize(ITEMS);
        assertThat(again.stats().ready() + again.stats().inFlight() + again.stats().delayed()).isZero();
        System.out.printf("[sqlite volume faults] turned read-only under the sidecar: writes 503 engine-unavailable, "
                + "not ready, no crash (stats read answered %d); restarted on the repaired volume: %d items delivered, "
                + "0 lost%n", stats, ITEMS);
    }

    /**
     * A volume mounted read-only (a misconfigured mount, a storage failure): the sidecar cannot keep its queue
     * there, so it must not start as if it could; it exits at once saying why.
     */
    @Test
    void aReadOnlyVolumeStopsTheSidecarAtStartSayingWhy() throws Exception {
        SidecarProcess.Builder builder = sidecarOnItsOwnVolume("size=16m,ro").startTimeout(Duration.ofSeconds(60));
        assertThatThrownBy(builder::start).hasMessageContaining("read-only");
    }

    private static List<Enqueue> items(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> Enqueue.json("{\"n\":" + i + "}")).toList();
    }

    private static void assertEngineUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains("urn:patternkit:problem:engine-unavailable");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs a command in the sidecar's mount namespace; a non-zero exit is fine for {@code dd} filling the disk. */
    private static void inNamespace(long pid, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "--"));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        if (!command[0].equals("dd")) {
            assertThat(p.exitValue()).as(String.join(" ", full) + ": " + out).isZero();
        }
    }

    /** @return the loop device's name, such as {@code loop3}, that holds the image */
    private static String loopDeviceOf(Path image) throws Exception {
        String device = loopDeviceOfOrEmpty(image);
        assertThat(device).as("a loop device holds " + image).isNotEmpty();
        return device;
    }

    private static String loopDeviceOfOrEmpty(Path image) throws Exception {
        Process p = new ProcessBuilder("losetup", "-j", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return out.isEmpty() ? "" : Path.of(out.substring(0, out.indexOf(':'))).getFileName().toString();
    }

    private static int command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(1, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static boolean canMount() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
