package io.patternkit.sidecar.adapter.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The newest records of every source, oldest first, up to a capacity (a ring: the oldest goes first). Thread-safe. */
final class RecentLogs {
    private final int capacity;
    private final ArrayDeque<LogRecord> records;

    /** @param capacity how many it keeps (0 for none) */
    RecentLogs(int capacity) {
        this.capacity = capacity;
        this.records = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** @param record a record just written */
    synchronized void add(LogRecord record) {
        if (capacity == 0) {
            return;
        }
        if (records.size() == capacity) {
            records.removeFirst();
        }
        records.addLast(record);
    }

    /**
     * @param limit the most records to answer
     * @param source only this source's records, or empty for all
     * @param atLeast only records of this level or above (records with no or an unknown level are left out), or empty for all
     * @return the newest records that match, oldest first
     */
    synchronized List<LogRecord> newest(int limit, Optional<String> source, Optional<LogLevel> atLeast) {
        List<LogRecord> newestFirst = new ArrayList<>();
        for (var it = records.descendingIterator(); it.hasNext() && newestFirst.size() < limit; ) {
            LogRecord r = it.next();
            if (source.map(r.source()::equals).orElse(true)
                    && atLeast.map(min -> r.rank().map(level -> level.compareTo(min) >= 0).orElse(false)).orElse(true)) {
                newestFirst.add(r);
            }
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** @return how many it keeps at most */
    int capacity() {
        return capacity;
    }
}
