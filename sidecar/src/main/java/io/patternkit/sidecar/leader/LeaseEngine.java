package io.patternkit.sidecar.leader;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The storage SPI of the leader-election sidecar: one implementation per engine (SQLite,
 * PostgreSQL, Kubernetes Leases). Each operation is a single compare-and-set on the election's
 * lease record (one SQL statement, or one update guarded by the Kubernetes {@code resourceVersion}).
 *
 * <p>Terms are fencing tokens: every acquisition, including a re-acquisition by the same candidate
 * after its lease expired or was released, starts a term greater than every earlier one of the
 * election. A live holder that campaigns again keeps its term (an idempotent renew).
 *
 * <p>Expiry is judged by the engine's clock (an injectable clock for SQLite, the server's
 * {@code now()} for PostgreSQL), or, for Kubernetes, like client-go: on this process's monotonic
 * clock from the moment it observed the record change.
 *
 * <p>Every method is blocking and must be called off the event loop. Every method may throw
 * {@link io.patternkit.sidecar.common.EngineException} when the engine cannot be reached; client
 * mistakes never reach the engine. Implementations are thread-safe.
 */
public interface LeaseEngine extends AutoCloseable {

    /**
     * Acquires the lease when it is vacant or expired (a new term), renews it when the candidate
     * already holds it live (same term), and leaves it alone when someone else holds it live.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param leaseDuration how long the lease lasts after this call without a renew
     * @return whether the candidate holds it now, and the lease as it stands
     */
    AcquireResult tryAcquire(String election, String candidate, Duration leaseDuration);

    /**
     * Extends the lease when {@code candidate} holds it live in {@code term}.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param term the term the candidate believes it holds
     * @param leaseDuration how long the lease lasts after this call without another renew
     * @return the renewed lease, or empty when the candidate does not hold it live in that term (nothing changed)
     */
    Optional<LeaseRecord> renew(String election, String candidate, long term, Duration leaseDuration);

    /**
     * Makes the lease vacant at once when {@code candidate} holds it in {@code term}, keeping the
     * term so the next acquisition starts a greater one.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param term the term to release
     * @return what happened; {@link ReleaseOutcome#NOT_HOLDER} changes nothing
     */
    ReleaseOutcome release(String election, String candidate, long term);

    /**
     * Reads the election's lease.
     *
     * @param election a valid election name
     * @return the lease, {@link LeaseRecord#never} when nobody was ever elected
     */
    LeaseRecord read(String election);

    /**
     * Checks that the engine answers.
     *
     * @throws io.patternkit.sidecar.common.EngineException when it does not
     */
    void ping();

    /**
     * @return whether {@link #onExternalChange} reports other processes' changes (NOTIFY, SQLite's
     *     {@code data_version}); when false, waiting campaigns and watches also poll every retry period
     */
    boolean reportsExternalChanges();

    /**
     * Tells the engine whether a campaign or watch is parked waiting for another process's change, so
     * that an engine that must work to notice other processes' writes (SQLite looks for them) does it
     * only while one is. Called on the service's context whenever the answer may have changed; must
     * not block. Default: nothing (NOTIFY and a Kubernetes watch cost nothing while idle).
     *
     * @param anyone whether at least one campaign or watch is parked now
     */
    default void waiting(boolean anyone) {
    }

    /**
     * Tells the engine that the service has forgotten an election: nothing held, waited on or called for it for a
     * while, so the engine may drop what it keeps in memory about it. A later call may name the election again; an
     * engine that times leases from when it first saw them (Kubernetes) then counts from that call, as a process that
     * has just started does, and never takes a lease over sooner than it would have. Called on the service's context
     * with no campaign, renew or release for the election under way (a read made as a drain begins may still be);
     * must not block. Default: nothing (the SQL engines keep nothing
     * per election in memory).
     *
     * @param election the election forgotten
     */
    default void forget(String election) {
    }

    /**
     * Registers the listener told when an election's lease may have been changed by another
     * process. The argument is the election, or null when the engine cannot tell which. Called on
     * an engine thread; the listener must not block. An engine may tell it only while
     * {@link #waiting} is true, and then also of writes made while it was false.
     *
     * @param listener the listener, never null; replaces any earlier one
     */
    void onExternalChange(Consumer<String> listener);

    /** Releases connections and threads (not leases); the engine is unusable afterwards. Never throws. */
    @Override
    void close();
}
