package io.patternkit.sidecar.workqueue;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire form of receipts: the item id and claim epoch, signed with HMAC-SHA256 under a key that
 * every sidecar sharing the engine reads from it, so that a client can settle only the deliveries it
 * was handed, as with SQS receipt handles, and any sidecar on the same engine accepts a receipt
 * another one issued. A receipt with a wrong signature reads as no receipt at all: the caller answers
 * it as stale (409), as it does an earlier delivery's. Thread-safe: each thread signs with its own
 * {@link Mac}, keyed once (a {@code Mac} is not thread-safe, and {@code doFinal} resets it for the next use);
 * looking up the provider and keying a new one on every call cost about 4% of a worker sidecar's CPU in the
 * main job.
 */
public final class ReceiptCodec {
    private static final String ALGORITHM = "HmacSHA256";
    /** Bytes of the signature kept: 128 bits. */
    private static final int TAG_BYTES = 16;
    private static final int PLAIN_BYTES = 2 * Long.BYTES;

    private final ThreadLocal<Mac> macs;

    /**
     * @param key the engine's receipt key, at least 32 bytes
     * @throws IllegalArgumentException when the key is shorter
     */
    public ReceiptCodec(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a receipt key needs at least 32 bytes, got " + key.length);
        }
        SecretKeySpec spec = new SecretKeySpec(key.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> keyedMac(spec));
    }

    /**
     * @param receipt the delivery
     * @return its opaque, URL-safe wire form (43 characters)
     */
    public String encode(Receipt receipt) {
        ByteBuffer bytes = ByteBuffer.allocate(PLAIN_BYTES + TAG_BYTES).putLong(receipt.id()).putLong(receipt.epoch());
        bytes.put(tag(Arrays.copyOf(bytes.array(), PLAIN_BYTES)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * @param text a wire receipt, may be null
     * @return the delivery, or empty when the text is malformed or was not signed with this engine's key
     */
    public Optional<Receipt> decode(String text) {
        if (text == null || text.length() != 43) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length != PLAIN_BYTES + TAG_BYTES) {
            return Optional.empty();
        }
        byte[] plain = Arrays.copyOf(bytes, PLAIN_BYTES);
        if (!MessageDigest.isEqual(tag(plain), Arrays.copyOfRange(bytes, PLAIN_BYTES, bytes.length))) {
            return Optional.empty();
        }
        ByteBuffer fields = ByteBuffer.wrap(plain);
        long id = fields.getLong();
        long epoch = fields.getLong();
        return id > 0 && epoch > 0 ? Optional.of(new Receipt(id, epoch)) : Optional.empty();
    }

    private byte[] tag(byte[] plain) {
        return Arrays.copyOf(macs.get().doFinal(plain), TAG_BYTES);
    }

    private static Mac keyedMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
