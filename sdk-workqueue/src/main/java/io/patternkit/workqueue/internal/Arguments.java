package io.patternkit.workqueue.internal;

import io.patternkit.protocol.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The wire's limits on {@link io.patternkit.workqueue.WorkQueue} arguments, checked before any call
 * is made, in one place for every implementation (the HTTP client and the in-memory fake of
 * {@code patternkit-sdk-testing}). Each check throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a null) with a message naming the argument, its range and the
 * value. For the Patternkit SDK modules only.
 */
public final class Arguments {
    private static final int MAX_RECEIPT_LENGTH = 256;

    private Arguments() {
    }

    /**
     * @param max items per claim
     * @return {@code max}, when 1 to 1000
     */
    public static int claimMax(int max) {
        if (max < 1 || max > Wire.MAX_BATCH) {
            throw new IllegalArgumentException("max must be 1.." + Wire.MAX_BATCH + ", got " + max);
        }
        return max;
    }

    /**
     * @param wait a long-poll time
     * @return the wait in milliseconds, when 0 to 20 s
     */
    public static long waitMs(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.toMillis() > Wire.MAX_WAIT_MS) {
            throw new IllegalArgumentException("wait must be 0..20s, got " + wait);
        }
        return wait.toMillis();
    }

    /**
     * @param visibilityTimeout a visibility timeout
     * @return the timeout in milliseconds, when 1 ms to 12 hours
     */
    public static long visibilityMs(Duration visibilityTimeout) {
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        long ms = visibilityTimeout.toMillis();
        if (ms < 1 || ms > Wire.MAX_VISIBILITY_MS) {
            throw new IllegalArgumentException("visibilityTimeout must be 1ms..12h, got " + visibilityTimeout);
        }
        return ms;
    }

    /**
     * @param receipt a receipt handle
     * @return the receipt, when 1 to 256 characters
     */
    public static String receipt(String receipt) {
        Objects.requireNonNull(receipt, "receipt");
        if (receipt.isEmpty() || receipt.length() > MAX_RECEIPT_LENGTH) {
            throw new IllegalArgumentException("receipt must be 1.." + MAX_RECEIPT_LENGTH + " characters, got "
                    + receipt.length());
        }
        return receipt;
    }

    /**
     * @param receipts receipt handles, each checked by {@link #receipt(String)}
     * @return an immutable copy
     */
    public static List<String> receipts(List<String> receipts) {
        Objects.requireNonNull(receipts, "receipts").forEach(Arguments::receipt);
        return List.copyOf(receipts);
    }

    /**
     * @param limit how many dead letters to list
     * @return {@code limit}, when 1 to 1000
     */
    public static int deadLetterLimit(int limit) {
        if (limit < 1 || limit > Wire.MAX_BATCH) {
            throw new IllegalArgumentException("limit must be 1.." + Wire.MAX_BATCH + ", got " + limit);
        }
        return limit;
    }

    /**
     * @param ids item ids to redrive
     * @return an immutable copy, when 1 to 1000 ids
     */
    public static List<String> redriveIds(List<String> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty() || ids.size() > Wire.MAX_BATCH) {
            throw new IllegalArgumentException("redrive takes 1.." + Wire.MAX_BATCH + " ids, got " + ids.size());
        }
        return List.copyOf(ids);
    }

    /**
     * Applies a batch operation to a list of any length in chunks of at most 1000, the wire's
     * batch limit.
     *
     * @param all the elements, possibly empty; not null
     * @param call the operation on one chunk, returning one result per element in order
     * @param <T> the element type
     * @param <R> the result type
     * @return the results of every chunk, in order
     */
    public static <T, R> List<R> chunked(List<T> all, Function<List<T>, List<R>> call) {
        Objects.requireNonNull(all, "list");
        List<R> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i += Wire.MAX_BATCH) {
            out.addAll(call.apply(all.subList(i, Math.min(all.size(), i + Wire.MAX_BATCH))));
        }
        return out;
    }
}
