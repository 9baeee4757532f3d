package io.patternkit.bench;

import io.patternkit.sidecar.workqueue.Receipt;
import io.patternkit.sidecar.workqueue.ReceiptCodec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU a sidecar spends on one receipt: {@link ReceiptCodec#encode} (at every claim, per item) and
 * {@link ReceiptCodec#decode} (at every ack), on one thread, in nanoseconds per call. Run it with the JVM options
 * the sidecar runs with ({@code -XX:TieredStopAtLevel=1}: C1 only), and with another version's sidecar jar first
 * on the class path to time that version's codec, the two alternating:
 *
 * <pre>
 * java -XX:TieredStopAtLevel=1 -cp OLD/patternkit-sidecar.jar:bench/target/patternkit-bench.jar io.patternkit.bench.ReceiptCost
 * </pre>
 *
 * <p>Options: {@code --rounds 7} (each timed after one unrecorded round), {@code --receipts 200000} per round.
 * Prints the median, min and max of the rounds.
 */
public final class ReceiptCost {
    private ReceiptCost() {
    }

    /**
     * Runs the benchmark and prints one line per operation.
     *
     * @param args {@code --rounds N --receipts N}
     */
    public static void main(String[] args) {
        Args options = new Args(args);
        int rounds = options.integer("rounds", 7);
        int receipts = options.integer("receipts", 200_000);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ReceiptCodec codec = new ReceiptCodec(key);
        String[] wire = new String[receipts];
        List<Double> encode = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        long accepted = 0;
        for (int round = 0; round <= rounds; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < receipts; i++) {
                wire[i] = codec.encode(new Receipt(i + 1L, round + 1L));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < receipts; i++) {
                accepted += codec.decode(wire[i]).isPresent() ? 1 : 0;
            }
            long t2 = System.nanoTime();
            if (round > 0) {
                encode.add((t1 - t0) / (double) receipts);
                decode.add((t2 - t1) / (double) receipts);
            }
        }
        if (accepted != (long) receipts * (rounds + 1)) {
            throw new IllegalStateException("the codec refused its own receipts");
        }
        System.out.printf("encode ns per receipt: median %.0f (%.0f to %.0f)%n", Stats.median(encode), Stats.min(encode), Stats.max(encode));
        System.out.printf("decode ns per receipt: median %.0f (%.0f to %.0f)%n", Stats.median(decode), Stats.min(decode), Stats.max(decode));
    }
}
