package io.patternkit.sidecar.engine.jdbc;

import io.patternkit.sidecar.workqueue.AckOutcome;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.DeadLetter;
import io.patternkit.sidecar.workqueue.Enqueued;
import io.patternkit.protocol.ItemState;
import io.patternkit.sidecar.workqueue.NackCommand;
import io.patternkit.sidecar.workqueue.NackOutcome;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.QueueStats;
import io.patternkit.sidecar.workqueue.Receipt;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The work-queue SQL shared by the SQLite and PostgreSQL engines. Every write is one autocommit
 * statement ({@code UPDATE ... RETURNING} with a compare-and-set on the {@code epoch} column), so
 * several processes can share one SQLite WAL file without {@code SQLITE_BUSY} from read-then-write
 * transactions, and PostgreSQL claims can skip rows locked by other claimers. (SQLite's claim reads first,
 * on its own, whether anything has lapsed or come due, to choose its statement; nothing depends on the two
 * agreeing: an item that lapses in between is claimed by the next claim.)
 *
 * <p>An item is {@code ready}, {@code delayed} (enqueued or nacked with a delay; claimable once the delay has ended,
 * and made ready by {@link #promoteDue}), {@code inflight}, {@code acked} or {@code dead}. Rows written {@code ready} with a visibility in the
 * future, as sidecars before 7 December wrote delayed items, are still judged by their visibility.
 *
 * <p>Time is read inside the statements through the SQL function {@code pk_now_ms()} (epoch
 * milliseconds): the SQLite engine registers it as a Java function over an injectable
 * {@link java.time.Clock}; the PostgreSQL schema defines it over the server's {@code now()}, so
 * visibility is judged by the database clock and never by the sidecar's. On both, the rows one statement writes get
 * one time: PostgreSQL's {@code now()} is the transaction's start, and SQLite's function, declared deterministic, is
 * read once per execution for each place the statement names it, not once per row.
 */
public abstract class JdbcQueueEngine implements QueueEngine {
    /** The columns a claim returns, in the order {@link #claim} reads them. */
    protected static final String COLUMNS =
            "id, epoch, attempt, max_attempts, payload, file_ref, dedup_key, priority, enqueued_at, visible_at";
    /** How many rows one statement of the purge or the promotion writes at most. */
    private static final int PURGE_CHUNK = 5_000;
    private static final String DEAD = "(? = 1 OR attempt >= max_attempts)";

    private final DataSource dataSource;
    private final String lockClause;
    private final String itemsById;
    private final String backoffSql;
    private volatile Consumer<String> changeListener = queue -> { };

    /**
     * Creates the engine over a pool whose connections know {@code pk_now_ms()}.
     *
     * @param dataSource the connection pool, in autocommit mode
     * @param lockClause appended to claim sub-selects, such as {@code FOR UPDATE SKIP LOCKED}, or empty
     * @param itemsById how a statement that finds its rows by a list of ids names the items table, such as
     *     SQLite's {@code workqueue_items NOT INDEXED}: a planner without statistics may otherwise walk the
     *     {@code (queue, state)} index, every acked row of the queue, instead of looking up each id
     * @param backoff the nack backoff schedule
     */
    protected JdbcQueueEngine(DataSource dataSource, String lockClause, String itemsById, Backoff backoff) {
        this.dataSource = dataSource;
        this.lockClause = lockClause;
        this.itemsById = itemsById;
        String shift = "(CAST(1 AS BIGINT) << (CASE WHEN attempt > 31 THEN 30 ELSE attempt - 1 END))";
        String raw = "(" + backoff.baseMs() + " * " + shift + ")";
        this.backoffSql = "(CASE WHEN " + raw + " > " + backoff.maxMs() + " THEN " + backoff.maxMs() + " ELSE " + raw + " END)";
    }

    private <T> T inConnection(String what, SqlWork<T> work) {
        return SqlWork.inConnection(dataSource, what, work);
    }

    /**
     * Tells the registered listener that a queue may have visible items because of a write this
     * process did not make.
     *
     * @param queue the queue, or null when unknown
     */
    protected final void externalChange(String queue) {
        changeListener.accept(queue);
    }

    @Override
    public void onExternalChange(Consumer<String> listener) {
        this.changeListener = listener;
    }

    /** Two single statements, so that concurrent first starts agree: the first insert wins, every reader sees it. */
    @Override
    public byte[] receiptKey() {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        return inConnection("receipt key", c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO workqueue_keys (name, value) VALUES ('receipt', ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setBytes(1, candidate);
                insert.executeUpdate();
            }
            try (PreparedStatement read = c.prepareStatement("SELECT value FROM workqueue_keys WHERE name = 'receipt'");
                    ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the receipt key is missing after it was written");
                }
                return rs.getBytes(1);
            }
        });
    }

    @Override
    public List<Enqueued> enqueue(String queue, List<NewItem> items) {
        return inConnection("enqueue", c -> {
            Enqueued[] results = new Enqueued[items.size()];
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                pending.add(i);
            }
            // A duplicate's original can be purged between the insert and the read-back; such
            // items are simply inserted again, which at most takes a second round.
            for (int round = 0; round < 3 && !pending.isEmpty(); round++) {
                pending = insertRound(c, queue, items, pending, results);
            }
            if (!pending.isEmpty()) {
                throw new SQLException("dedup keys kept changing during enqueue");
            }
            return List.of(results);
        });
    }

    private List<Integer> insertRound(Connection c, String queue, List<NewItem> items, List<Integer> positions,
                                      Enqueued[] results) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO workqueue_items (queue, state, payload, file_ref, dedup_key, "
                + "priority, max_attempts, attempt, epoch, enqueued_at, visible_at, dedup_window_ms) VALUES ");
        for (int i = 0; i < positions.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, 0, 0, pk_now_ms(), pk_now_ms() + ?, ?)");
        }
        sql.append(" ON CONFLICT DO NOTHING RETURNING id, dedup_key");
        List<Long> plainIds = new ArrayList<>();
        Map<String, Long> keyedIds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (int position : positions) {
                NewItem item = items.get(position);
                ps.setString(p++, queue);
                ps.setString(p++, item.delayMs() > 0 ? "delayed" : "ready");
                setNullableString(ps, p++, item.payloadJson());
                setNullableString(ps, p++, item.fileRef());
                setNullableString(ps, p++, item.dedupKey());
                ps.setInt(p++, item.priority());
                ps.setInt(p++, item.maxAttempts());
                ps.setLong(p++, item.delayMs());
                ps.setLong(p++, item.dedupWindowMs());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(2);
                    if (key == null) {
                        plainIds.add(rs.getLong(1));
                    } else {
                        keyedIds.put(key, rs.getLong(1));
                    }
                }
            }
        }
        // Identity values are drawn in VALUES order, so sorted ids of key-less rows match their positions.
        Collections.sort(plainIds);
        int nextPlain = 0;
        Set<String> claimedKeys = new HashSet<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int position : positions) {
            String key = items.get(position).dedupKey();
            if (key == null) {
                results[position] = new Enqueued(plainIds.get(nextPlain++), false);
            } else if (keyedIds.containsKey(key) && claimedKeys.add(key)) {
                results[position] = new Enqueued(keyedIds.get(key), false);
            } else {
                duplicates.add(position);
            }
        }
        return resolveDuplicates(c, queue, items, duplicates, results);
    }

    private List<Integer> resolveDuplicates(Connection c, String queue, List<NewItem> items, List<Integer> positions,
                                            Enqueued[] results) throws SQLException {
        if (positions.isEmpty()) {
            return positions;
        }
        Map<String, Long> existing = new HashMap<>();
        // An acked item whose own dedup window has passed no longer holds its key, purged yet or not: it goes now,
        // and the item that met it is inserted in the next round. (A row acked with no window of its own, enqueued
        // before items carried one, keeps its key until the purge, which judges it by the purging sidecar's window.)
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM workqueue_items WHERE queue = ? AND dedup_key IN ("
                + placeholders(positions.size()) + ") AND state = 'acked' AND purge_at <= pk_now_ms()")) {
            bindKeys(ps, queue, items, positions);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(duplicatesStatement(positions.size()))) {
            bindKeys(ps, queue, items, positions);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int position : positions) {
            Long id = existing.get(items.get(position).dedupKey());
            if (id == null) {
                missing.add(position);
            } else {
                results[position] = new Enqueued(id, true);
            }
        }
        return missing;
    }

    @Override
    public int deadLetterExpired(String queue) {
        return inConnection("dead-letter sweep", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workqueue_items SET state = 'dead', dead_at = pk_now_ms(), "
                    + "reason = 'visibility timeout expired on attempt ' || attempt || ' of ' || max_attempts "
                    + "WHERE queue = ? AND state = 'inflight' AND visible_at <= pk_now_ms() AND attempt >= max_attempts")) {
                ps.setString(1, queue);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<ClaimedItem> claim(String queue, int max, long visibilityMs) {
        return inConnection("claim", c -> {
            try (PreparedStatement ps = c.prepareStatement(claimStatement(c, queue))) {
                ps.setLong(1, visibilityMs);
                ps.setString(2, queue);
                ps.setInt(3, max);
                List<ClaimedItem> claimed = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new ClaimedItem(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9),
                                rs.getLong(10)));
                    }
                }
                claimed.sort(Comparator.comparingInt(ClaimedItem::priority).reversed()
                        .thenComparingLong(ClaimedItem::id));
                return claimed;
            }
        });
    }

    /**
     * Makes the queue's delayed items whose delay has ended ready, {@value #PURGE_CHUNK} per statement
     * ({@link #promoteStatement}). A claim takes such items as they are; this only keeps a burst of them (many items
     * whose delays end together) from being sorted again by every claim until they are all claimed.
     */
    @Override
    public int promoteDue(String queue) {
        return inChunks("promotion", promoteStatement(), ps -> ps.setString(1, queue));
    }

    /**
     * One chunk of {@link #promoteDue}: its parameter is the queue; it makes up to {@value #PURGE_CHUNK} due delayed
     * items ready, found through the {@code (queue, state, visible_at)} index and written by primary key
     * ({@link #idAmong}). The state and the delay are tested again on the rows written: a claim that took one of them
     * after the sub-select had read it must not see it made ready again (PostgreSQL re-tests a row a concurrent
     * transaction changed against the statement's own conditions only). Public so that an engine's tests can read
     * its plan.
     *
     * @return the SQL text
     */
    public String promoteStatement() {
        String due = "state = 'delayed' AND visible_at <= pk_now_ms()";
        return "UPDATE workqueue_items SET state = 'ready' WHERE " + idAmong("SELECT id FROM workqueue_items WHERE "
                + "queue = ? AND " + due + " LIMIT " + PURGE_CHUNK) + " AND " + due;
    }

    /**
     * How a statement that writes rows by id names the ids a sub-select found: {@code id IN (...)}, which SQLite
     * looks up one by one through the primary key.
     *
     * @param subSelect a sub-select of ids
     * @return the condition
     */
    protected String idAmong(String subSelect) {
        return "id IN (" + subSelect + ")";
    }

    /**
     * The claim: its parameters are the visibility timeout in milliseconds, the queue and the most items, in that
     * order; it returns {@link #COLUMNS} of each claimed item, up to the most asked for, highest priority first, then
     * oldest first, among the ready items, the delayed ones whose delay has ended and the in-flight ones whose
     * visibility timeout has lapsed, with attempts left. It must not walk the items that are in flight and not
     * lapsed, or still delayed, on the way to the ready ones: with 100,000 of them ahead, a claim that walked them
     * took 14 to 22 ms on SQLite and 40 to 118 ms on PostgreSQL (docs/benchmarks.md, section 13).
     *
     * @param c the claim's connection, on which an engine may look at the queue to choose its statement
     * @param queue the queue
     * @return the SQL text
     * @throws SQLException when looking at the queue fails
     */
    protected abstract String claimStatement(Connection c, String queue) throws SQLException;

    @Override
    public OptionalLong millisUntilNextVisible(String queue) {
        return inConnection("next visible", c -> {
            // An in-flight last attempt is never claimed again (the sweep dead-letters it once it lapses), so it is
            // not the next visible item: counting it made a parked claim re-query every millisecond.
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(visible_at) - pk_now_ms() FROM workqueue_items "
                    + "WHERE queue = ? AND state IN ('ready', 'delayed', 'inflight') AND attempt < max_attempts")) {
                ps.setString(1, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long delay = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(Math.max(0, delay));
                }
            }
        });
    }

    @Override
    public List<AckOutcome> ackAll(String queue, List<Receipt> receipts) {
        return inConnection("ack", c -> {
            Set<Receipt> acked = ackMatching(c, ackStatement(itemsById, receipts.size()), queue, receipts);
            List<Receipt> rest = receipts.stream().filter(r -> !acked.contains(r)).toList();
            // Only for receipts the ack did not settle (a client's retry, or a stale one): which were acked before.
            Set<Receipt> before = rest.isEmpty() ? Set.of()
                    : ackMatching(c, ackedStatement(itemsById, rest.size()), queue, rest);
            return receipts.stream().map(r -> acked.contains(r) ? AckOutcome.ACKED
                    : before.contains(r) ? AckOutcome.ALREADY_ACKED : AckOutcome.STALE).toList();
        });
    }

    /** Runs {@link #ackStatement} or {@link #ackedStatement} for the receipts; returns the rows' receipts. */
    private static Set<Receipt> ackMatching(Connection c, String sql, String queue, List<Receipt> receipts)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAck(ps, queue, receipts);
            Set<Receipt> found = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Receipt(rs.getLong(1), rs.getLong(2)));
                }
            }
            return found;
        }
    }

    /**
     * The statement {@link #ackAll} prepares: parameters are the receipts' ids, the queue, then each
     * receipt's id and epoch; it acks the in-flight rows they name and returns the {@code (id, epoch)} of each.
     * Public so that an engine's tests can read its query plan. The queue and state are checked as one
     * {@code IS TRUE} test, which no index can serve, so that the rows are found by primary key whatever the
     * statistics say: PostgreSQL, before its first analyze of a new queue, took the queue for one row and walked
     * every acked row of it through the {@code (queue, state)} index instead (93 ms for 500 receipts with 100,000
     * acked).
     *
     * @param itemsById the table reference, as given to the constructor
     * @param receipts how many receipts, at least 1
     * @return the SQL text
     */
    public static String ackStatement(String itemsById, int receipts) {
        return "UPDATE " + itemsById + " SET state = 'acked', acked_at = pk_now_ms(), "
                + "purge_at = pk_now_ms() + dedup_window_ms " + matching(receipts, "inflight") + " RETURNING id, epoch";
    }

    /**
     * The query {@link #ackAll} runs for the receipts its ack did not settle, bound as {@link #ackStatement}: the
     * {@code (id, epoch)} of those acked before with the same receipt.
     *
     * @param itemsById the table reference, as given to the constructor
     * @param receipts how many receipts, at least 1
     * @return the SQL text
     */
    public static String ackedStatement(String itemsById, int receipts) {
        return "SELECT id, epoch FROM " + itemsById + " " + matching(receipts, "acked");
    }

    private static String matching(int receipts, String state) {
        String pairs = String.join(", ", Collections.nCopies(receipts, "(?, ?)"));
        return "WHERE id IN (" + placeholders(receipts) + ") AND (queue = ? AND state = '" + state + "') IS TRUE "
                + "AND (id, epoch) IN (VALUES " + pairs + ")";
    }

    /**
     * Binds {@link #ackStatement}'s parameters. Public so that an engine's tests can read the plan of the
     * statement as {@link #ackAll} runs it.
     *
     * @param ps the prepared {@link #ackStatement} for {@code receipts.size()} receipts
     * @param queue the queue's name
     * @param receipts the receipts, at least 1
     * @throws SQLException when the driver refuses a parameter
     */
    public static void bindAck(PreparedStatement ps, String queue, List<Receipt> receipts) throws SQLException {
        int p = 1;
        for (Receipt receipt : receipts) {
            ps.setLong(p++, receipt.id());
        }
        ps.setString(p++, queue);
        for (Receipt receipt : receipts) {
            ps.setLong(p++, receipt.id());
            ps.setLong(p++, receipt.epoch());
        }
    }

    @Override
    public Optional<NackOutcome> nack(String queue, Receipt receipt, NackCommand command) {
        String delay = "COALESCE(CAST(? AS BIGINT), " + backoffSql + ")";
        return inConnection("nack", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workqueue_items SET "
                    + "state = CASE WHEN " + DEAD + " THEN 'dead' WHEN " + delay + " > 0 THEN 'delayed' ELSE 'ready' END, "
                    + "dead_at = CASE WHEN " + DEAD + " THEN pk_now_ms() ELSE NULL END, "
                    + "reason = CASE WHEN " + DEAD + " THEN COALESCE(?, 'nacked on attempt ' || attempt || ' of ' "
                    + "|| max_attempts) ELSE ? END, "
                    + "visible_at = CASE WHEN " + DEAD + " THEN visible_at ELSE pk_now_ms() + " + delay + " END "
                    + "WHERE id = ? AND queue = ? AND epoch = ? AND state = 'inflight' "
                    + "RETURNING state, visible_at, pk_now_ms()")) {
                int dead = command.deadLetter() ? 1 : 0;
                ps.setInt(1, dead);
                setNullableLong(ps, 2, command.delayMs());
                ps.setInt(3, dead);
                ps.setInt(4, dead);
                setNullableString(ps, 5, command.reason());
                setNullableString(ps, 6, command.reason());
                ps.setInt(7, dead);
                setNullableLong(ps, 8, command.delayMs());
                bindReceipt(ps, 9, queue, receipt);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    if ("dead".equals(rs.getString(1))) {
                        return Optional.of(new NackOutcome(ItemState.DEAD, null));
                    }
                    long visibleAt = rs.getLong(2);
                    ItemState state = visibleAt > rs.getLong(3) ? ItemState.DELAYED : ItemState.READY;
                    return Optional.of(new NackOutcome(state, visibleAt));
                }
            }
        });
    }

    @Override
    public long giveBack(String queue, List<Receipt> receipts) {
        if (receipts.isEmpty()) {
            return 0;
        }
        // One statement (one commit) for the batch, finding its rows as an ack does.
        return inConnection("give back", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + itemsById + " SET state = 'ready', "
                    + "attempt = attempt - 1, visible_at = pk_now_ms() " + matching(receipts.size(), "inflight")
                    + " AND attempt > 0")) {
                bindAck(ps, queue, receipts);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public OptionalLong extend(String queue, Receipt receipt, long visibilityMs) {
        return inConnection("extend", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workqueue_items SET visible_at = pk_now_ms() + ? "
                    + "WHERE id = ? AND queue = ? AND epoch = ? AND state = 'inflight' RETURNING visible_at")) {
                ps.setLong(1, visibilityMs);
                bindReceipt(ps, 2, queue, receipt);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public QueueStats stats(String queue) {
        String sql = statsStatement();
        long parameters = sql.chars().filter(ch -> ch == '?').count();
        return inConnection("stats", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int p = 1; p <= parameters; p++) {
                    ps.setString(p, queue);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long oldest = rs.getLong(6);
                    long age = rs.wasNull() ? 0 : Math.max(0, rs.getLong(7) - oldest);
                    return new QueueStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), age);
                }
            }
        });
    }

    /**
     * The statistics, as one statement so that they come from one snapshot: every parameter is the queue; it returns
     * one row of the counts of ready (claimable now), delayed, in-flight (including lapsed last attempts the sweep has
     * not dead-lettered yet), dead and acked items, the {@code enqueued_at} of the oldest ready item (null when none)
     * and {@code pk_now_ms()}. By default two index range scans ({@code workqueue_items_claim} leads with queue and
     * state): the live states read their rows, the acked ones, kept for deduplication and usually most of the table,
     * are counted from the index alone. Public so that an engine's tests can read its query plan.
     *
     * @return the SQL text
     */
    public String statsStatement() {
        String ready = "state IN ('ready', 'delayed', 'inflight') AND visible_at <= n.now_ms AND attempt < max_attempts";
        return "SELECT "
                + "SUM(CASE WHEN " + ready + " THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN state IN ('ready', 'delayed') AND visible_at > n.now_ms THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN state = 'inflight' AND NOT (" + ready + ") THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), "
                + "(SELECT COUNT(*) FROM workqueue_items WHERE queue = ? AND state = 'acked'), "
                + "MIN(CASE WHEN " + ready + " THEN enqueued_at END), MIN(n.now_ms) "
                + "FROM workqueue_items CROSS JOIN (SELECT pk_now_ms() AS now_ms) n "
                + "WHERE queue = ? AND state IN ('ready', 'delayed', 'inflight', 'dead')";
    }

    @Override
    public List<DeadLetter> deadLetters(String queue, int limit) {
        return inConnection("dead letters", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, payload, file_ref, dedup_key, attempt, reason, "
                    + "enqueued_at, dead_at FROM workqueue_items WHERE queue = ? AND state = 'dead' "
                    + "ORDER BY dead_at, id LIMIT ?")) {
                ps.setString(1, queue);
                ps.setInt(2, limit);
                List<DeadLetter> dead = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dead.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getInt(5), rs.getString(6), rs.getLong(7), rs.getLong(8)));
                    }
                }
                return dead;
            }
        });
    }

    @Override
    public long redrive(String queue, List<Long> ids, int max) {
        String idFilter = ids == null ? "" : " AND id IN (" + placeholders(ids.size()) + ")";
        if (ids != null && ids.isEmpty()) {
            return 0;
        }
        return inConnection("redrive", c -> {
            // The items picked once, in a materialized table expression: PostgreSQL may run a sub-select in IN (...)
            // more than once, each run past the rows just updated, and so redrive more than max (V9's claim).
            try (PreparedStatement ps = c.prepareStatement("WITH picked AS MATERIALIZED (SELECT id FROM workqueue_items "
                    + "WHERE queue = ? AND state = 'dead'" + idFilter + " ORDER BY dead_at, id LIMIT ?" + lockClause + ") "
                    + "UPDATE workqueue_items SET state = 'ready', attempt = 0, visible_at = pk_now_ms(), dead_at = NULL, "
                    + "reason = NULL WHERE id IN (SELECT id FROM picked)")) {
                int p = 1;
                ps.setString(p++, queue);
                if (ids != null) {
                    for (long id : ids) {
                        ps.setLong(p++, id);
                    }
                }
                ps.setInt(p, max);
                return (long) ps.executeUpdate();
            }
        });
    }

    @Override
    public int purgeAcked(long dedupWindowMs, long retryGraceMs) {
        // Two statements, each walking a range of its own in the index of acked rows (purge_at due, and purge_at
        // NULL; a disjunction would walk every acked row), and each in chunks: one DELETE of a million rows holds
        // SQLite's write lock for seconds and grows its log by hundreds of MiB.
        List<String> purges = purgeStatements();
        return purgeInChunks(purges.get(0), retryGraceMs) + purgeInChunks(purges.get(1), dedupWindowMs + retryGraceMs);
    }

    /**
     * The enqueue's look-up of the items already holding some of its dedup keys: parameters are the queue, then each
     * key; it returns the {@code (id, dedup_key)} of each such item. Public so that an engine's tests can read its
     * query plan.
     *
     * @param keys how many keys, at least 1
     * @return the SQL text
     */
    public static String duplicatesStatement(int keys) {
        return "SELECT id, dedup_key FROM workqueue_items WHERE queue = ? AND dedup_key IN (" + placeholders(keys) + ")";
    }

    /** {@code count} parameter marks for an {@code IN} list: {@code ?, ?, ?}. */
    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /**
     * The two statements of {@link #purgeAcked}: one chunk of the acked rows whose own dedup window has passed (its
     * parameter: the retry grace in ms), and one of the rows acked before items carried a window (its parameter: the
     * purging sidecar's window plus the grace, in ms), each deleting its rows by primary key ({@link #idAmong}).
     * Public so that an engine's tests can read their query plans.
     *
     * @return the SQL texts, in that order
     */
    public List<String> purgeStatements() {
        return List.of("DELETE FROM workqueue_items WHERE " + idAmong("SELECT id FROM workqueue_items "
                + "WHERE state = 'acked' AND purge_at <= pk_now_ms() - ? LIMIT " + PURGE_CHUNK),
                "DELETE FROM workqueue_items WHERE " + idAmong("SELECT id FROM workqueue_items "
                + "WHERE state = 'acked' AND acked_at <= pk_now_ms() - ? AND purge_at IS NULL LIMIT " + PURGE_CHUNK));
    }

    private int purgeInChunks(String delete, long... parameters) {
        return inChunks("purge", delete, ps -> {
            for (int i = 0; i < parameters.length; i++) {
                ps.setLong(i + 1, parameters[i]);
            }
        });
    }

    /** Runs a statement that writes at most {@link #PURGE_CHUNK} rows until it writes fewer; returns the total. */
    private int inChunks(String what, String sql, SqlBinder binder) {
        int total = 0;
        int chunk;
        do {
            chunk = inConnection(what, c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    binder.bind(ps);
                    return ps.executeUpdate();
                }
            });
            total += chunk;
        } while (chunk == PURGE_CHUNK);
        return total;
    }

    /** Binds a prepared statement's parameters. */
    @FunctionalInterface
    private interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public void ping() {
        inConnection("ping", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pk_now_ms()"); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** Binds {@code queue = ? AND dedup_key IN (?, ...)}: the queue, then the dedup key of each item at {@code positions}. */
    private static void bindKeys(PreparedStatement ps, String queue, List<NewItem> items, List<Integer> positions)
            throws SQLException {
        ps.setString(1, queue);
        for (int i = 0; i < positions.size(); i++) {
            ps.setString(i + 2, items.get(positions.get(i)).dedupKey());
        }
    }

    private static void bindReceipt(PreparedStatement ps, int first, String queue, Receipt receipt) throws SQLException {
        ps.setLong(first, receipt.id());
        ps.setString(first + 1, queue);
        ps.setLong(first + 2, receipt.epoch());
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static void setNullableString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
