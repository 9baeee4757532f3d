package io.patternkit.sidecar.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReceiptCodecTest {
    private static final byte[] KEY = key((byte) 7);

    private static byte[] key(byte fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, fill);
        return key;
    }

    @Test
    void aReceiptReadsBackAsTheDeliveryItWasWrittenFor() {
        ReceiptCodec codec = new ReceiptCodec(KEY);
        String wire = codec.encode(new Receipt(42, 3));
        assertThat(wire).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(codec.decode(wire)).contains(new Receipt(42, 3));
    }

    /**
     * The wire form is a contract between sidecars of different versions on one engine: id and epoch big-endian,
     * then AES-256 of that block under SHA-256 of the key, base64url without padding. The expected text was
     * checked with {@code openssl enc -aes-256-ecb -nopad}.
     */
    @Test
    void theWireFormIsTheBlockAndItsAesTag() {
        assertThat(new ReceiptCodec(KEY).encode(new Receipt(42, 3))).isEqualTo("AAAAAAAAACoAAAAAAAAAA_ebaHvpZlFEXkiVG0AjRZc");
        assertThat(new ReceiptCodec(KEY).decode("AAAAAAAAACoAAAAAAAAAA_ebaHvpZlFEXkiVG0AjRZc")).contains(new Receipt(42, 3));
    }

    @Test
    void anotherSidecarWithTheSameKeyReadsIt() {
        assertThat(new ReceiptCodec(KEY).decode(new ReceiptCodec(KEY.clone()).encode(new Receipt(9, 1))))
                .contains(new Receipt(9, 1));
    }

    @Test
    void aReceiptSignedWithAnotherKeyOrAlteredReadsAsNone() {
        ReceiptCodec codec = new ReceiptCodec(KEY);
        assertThat(codec.decode(new ReceiptCodec(key((byte) 8)).encode(new Receipt(42, 3)))).isEmpty();
        String wire = codec.encode(new Receipt(42, 3));
        String altered = (wire.charAt(0) == 'A' ? 'B' : 'A') + wire.substring(1);
        assertThat(codec.decode(altered)).isEmpty();
        assertThat(codec.decode(wire.substring(1))).isEmpty();
        assertThat(codec.decode(null)).isEmpty();
        assertThat(codec.decode("!".repeat(43))).isEmpty();
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> new ReceiptCodec(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void threadsSigningAtOnceGetTheSameReceiptsAsOneThread() throws Exception {
        ReceiptCodec shared = new ReceiptCodec(KEY);
        ReceiptCodec reference = new ReceiptCodec(KEY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long base = t * 10_000L;
                tasks.add(() -> {
                    for (long id = base + 1; id <= base + 2_000; id++) {
                        Receipt receipt = new Receipt(id, id % 5 + 1);
                        String wire = shared.encode(receipt);
                        if (!wire.equals(reference.encode(receipt))
                                || !shared.decode(wire).equals(Optional.of(receipt))) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
