package io.patternkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Samples, every 200 ms from {@code /proc}, the user+system CPU time of a process and its descendants, by kind
 * (sidecar, worker, producer), and the sidecars' CPU time by thread, grouped by what the threads do. A process's
 * or thread's last sample before it ended is its total. Linux only; ticks are {@code USER_HZ} (100 per second).
 */
final class JobCpu extends Thread {
    static final double TICKS_PER_SECOND = 100.0;
    private final long root;
    private final Map<Long, Long> ticks = new HashMap<>();
    private final Map<Long, String> kinds = new HashMap<>();
    /** Sidecar threads: "pid/tid" to its name and ticks. */
    private final Map<String, Map.Entry<String, Long>> sidecarThreads = new HashMap<>();
    private volatile boolean running = true;

    /** @param root the pid whose process tree is sampled */
    JobCpu(long root) {
        super("cpu-sampler");
        setDaemon(true);
        this.root = root;
    }

    /**
     * Runs a command with its output to a log, sampling its process tree until it ends.
     *
     * @param command the command, such as {@code java -jar patternkit-samples.jar ...}
     * @param log where its standard output and error go
     * @return the samples, complete
     * @throws IllegalStateException when it exits with anything but 0
     * @throws IOException when it cannot be started
     * @throws InterruptedException when interrupted while waiting for it
     */
    static JobCpu runSampled(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JobCpu cpu = new JobCpu(p.pid());
        cpu.start();
        int exit = p.waitFor();
        cpu.finish();
        if (exit != 0) {
            throw new IllegalStateException("the job exited with " + exit + "; see " + log);
        }
        return cpu;
    }

    /** CPU seconds of the job's processes, by kind. */
    record Cpu(double sidecars, double workers, double producer) {
        double sidecarShare() {
            return sidecars / (sidecars + workers + producer);
        }

        @Override
        public String toString() {
            return Stats.oneDecimal(sidecars) + " / " + Stats.oneDecimal(workers) + " / " + Stats.oneDecimal(producer);
        }
    }

    @Override
    public void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sampling and waits for the sampler to end. */
    void finish() throws InterruptedException {
        running = false;
        interrupt();
        join();
    }

    /** @return the CPU seconds by kind of process */
    Cpu seconds() {
        double sidecars = 0;
        double workers = 0;
        double producer = 0;
        for (Map.Entry<Long, Long> e : ticks.entrySet()) {
            double s = e.getValue() / TICKS_PER_SECOND;
            switch (kinds.getOrDefault(e.getKey(), "")) {
                case "sidecar" -> sidecars += s;
                case "worker" -> workers += s;
                default -> producer += s;
            }
        }
        return new Cpu(sidecars, workers, producer);
    }

    /**
     * @return the sidecars' CPU seconds by thread group: {@code jit} (C1 and C2 compiler threads),
     *     {@code requests} (Vert.x event loops, workers and acceptor: HTTP, JSON and the engine's SQL),
     *     {@code main} (the main thread: start-up and shutdown), {@code watch} (the engine's watch of other
     *     processes' writes), {@code gc+vm} and {@code other}
     */
    Map<String, Double> sidecarThreadGroups() {
        Map<String, Double> groups = new TreeMap<>();
        for (Map.Entry<String, Long> t : sidecarThreads.values()) {
            groups.merge(group(t.getKey()), t.getValue() / TICKS_PER_SECOND, Double::sum);
        }
        return groups;
    }

    static String group(String thread) {
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (thread.startsWith("vert.x-")) {
            return "requests";
        }
        if (thread.equals("java")) {
            return "main";
        }
        if (thread.startsWith("patternkit-sqli") || thread.startsWith("FileSystemWatch")) {
            return "watch";
        }
        if (thread.startsWith("VM ") || thread.startsWith("GC ") || thread.startsWith("G1 ")) {
            return "gc+vm";
        }
        return "other";
    }

    private void sample() {
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Long> now = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path dir : procs.toList()) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String[] f = fields(Files.readString(dir.resolve("stat")));
                    long pid = Long.parseLong(name);
                    parents.put(pid, Long.parseLong(f[1]));
                    now.put(pid, cpuTicks(f));
                } catch (IOException | RuntimeException e) {
                    // the process ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return;
        }
        for (Map.Entry<Long, Long> e : now.entrySet()) {
            long pid = e.getKey();
            if (!descends(pid, parents)) {
                continue;
            }
            ticks.merge(pid, e.getValue(), Math::max);
            String kind = kinds.compute(pid, (k, v) -> v == null || v.equals("producer") ? kind(k) : v);
            if (kind.equals("sidecar")) {
                sampleThreads(pid);
            }
        }
    }

    private void sampleThreads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = fields(stat);
                    long t = cpuTicks(f);
                    sidecarThreads.merge(pid + "/" + task.getFileName(), Map.entry(name, t),
                            (a, b) -> b.getValue() >= a.getValue() ? b : a);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The fields after the command name, which may hold spaces and parentheses. */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * @param stat the text of a process's or thread's {@code /proc/.../stat}
     * @return its user plus system CPU time, in ticks of {@link #TICKS_PER_SECOND}
     */
    static long cpuTicks(String stat) {
        return cpuTicks(fields(stat));
    }

    private static long cpuTicks(String[] fields) {
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private boolean descends(long pid, Map<Long, Long> parents) {
        for (long p = pid; p > 1; p = parents.getOrDefault(p, 0L)) {
            if (p == root) {
                return true;
            }
        }
        return false;
    }

    private static String kind(long pid) {
        try {
            String[] cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i < cmd.length; i++) {
                if (cmd[i].equals("-jar") && i + 1 < cmd.length && cmd[i + 1].endsWith("patternkit-sidecar.jar")) {
                    return "sidecar";
                }
                if (cmd[i].endsWith("IndexWorker")) {
                    return "worker";
                }
            }
            return "producer";
        } catch (IOException e) {
            return "producer";
        }
    }
}
