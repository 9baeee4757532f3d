package io.patternkit.management;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The upward API's thread dump with lock contention ({@code GET /patternkit/threads}), as the
 * single-container management pattern's profiling asks for: every live thread with its state, its
 * stack, the lock it waits for and that lock's owner, the monitors and synchronizers it holds, how
 * often and how long it was blocked and waited (from {@link ThreadMXBean}, whose contention monitoring
 * this endpoint switches on where the JVM supports it), and the threads deadlocked, if any. Threads
 * are listed most blocked first. Query {@code depth} (1 to 256, default 32) bounds each stack.
 *
 * <p>Answers {@code application/json}; bad {@code depth} is a 400 problem, other methods 405.
 */
public final class ThreadsEndpoint implements ManagementEndpoint {
    /** The path it is mounted on by {@link #mount}. */
    public static final String PATH = "/patternkit/threads";
    private static final int DEFAULT_DEPTH = 32;
    private static final int MAX_DEPTH = 256;

    private final ThreadMXBean threads;

    private ThreadsEndpoint(ThreadMXBean threads) {
        this.threads = threads;
        if (threads.isThreadContentionMonitoringSupported() && !threads.isThreadContentionMonitoringEnabled()) {
            threads.setThreadContentionMonitoringEnabled(true);
        }
    }

    /**
     * Mounts the endpoint at {@link #PATH}, switching on the JVM's thread contention monitoring (blocked
     * and waited times; a small cost on every contended lock).
     *
     * @param server the application's management server; not null
     * @return the mount
     * @throws IllegalStateException when the path is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server) {
        return server.mount(PATH, new ThreadsEndpoint(ManagementFactory.getThreadMXBean()));
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        Optional<ManagementResponse> refused = Requests.onlyGet(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Integer> depthAsked = Requests.intInRange(request, "depth", DEFAULT_DEPTH, 1, MAX_DEPTH);
        if (depthAsked.isEmpty()) {
            return Requests.invalid("depth must be an integer from 1 to " + MAX_DEPTH);
        }
        int depth = depthAsked.get();
        long[] deadlocked = Optional.ofNullable(threads.findDeadlockedThreads()).orElse(new long[0]);
        Set<Long> deadlockedIds = Arrays.stream(deadlocked).boxed().collect(Collectors.toSet());
        boolean timed = threads.isThreadContentionMonitoringEnabled();
        List<Map<String, Object>> list = new ArrayList<>();
        ThreadInfo[] infos = threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
                threads.isSynchronizerUsageSupported(), depth);
        Arrays.sort(infos, Comparator.comparingLong(ThreadInfo::getBlockedCount).reversed()
                .thenComparing(ThreadInfo::getThreadName));
        for (ThreadInfo info : infos) {
            list.add(thread(info, timed, deadlockedIds.contains(info.getThreadId())));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("contentionMonitoring", timed);
        doc.put("threadCount", infos.length);
        doc.put("deadlocked", Arrays.stream(deadlocked).boxed().toList());
        doc.put("threads", list);
        return ManagementResponse.jsonOf(200, doc);
    }

    private static Map<String, Object> thread(ThreadInfo info, boolean timed, boolean deadlocked) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", info.getThreadId());
        t.put("name", info.getThreadName());
        t.put("state", info.getThreadState().name());
        t.put("daemon", info.isDaemon());
        t.put("blockedCount", info.getBlockedCount());
        t.put("waitedCount", info.getWaitedCount());
        if (timed) {
            t.put("blockedTimeMs", info.getBlockedTime());
            t.put("waitedTimeMs", info.getWaitedTime());
        }
        if (info.getLockInfo() != null) {
            t.put("waitingFor", lock(info.getLockInfo()));
            if (info.getLockOwnerName() != null) {
                t.put("lockOwnerId", info.getLockOwnerId());
                t.put("lockOwnerName", info.getLockOwnerName());
            }
        }
        t.put("deadlocked", deadlocked);
        t.put("stack", Arrays.stream(info.getStackTrace()).map(StackTraceElement::toString).toList());
        t.put("lockedMonitors", Arrays.stream(info.getLockedMonitors()).map(ThreadsEndpoint::monitor).toList());
        t.put("lockedSynchronizers", Arrays.stream(info.getLockedSynchronizers()).map(ThreadsEndpoint::lock).toList());
        return t;
    }

    private static String lock(LockInfo lock) {
        return lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }

    private static Map<String, Object> monitor(MonitorInfo monitor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lock", lock(monitor));
        m.put("stackDepth", monitor.getLockedStackDepth());
        return m;
    }
}
