package io.patternkit.sidecar.workqueue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A receipt handle: the item id and the claim epoch, encoded as an opaque URL-safe string. Each
 * claim increments the item's epoch, so only the latest receipt matches (SQS receipt handles).
 *
 * @param id the item id
 * @param epoch the claim epoch the receipt was issued for
 */
public record Receipt(long id, long epoch) {

    /** @return the opaque wire form, never null */
    public String encode() {
        String plain = id + "." + epoch;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Decodes a wire receipt.
     *
     * @param text the wire form, may be null
     * @return the receipt, or empty when the text was not issued by this sidecar
     */
    public static Optional<Receipt> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int dot = plain.indexOf('.');
            if (dot <= 0) {
                return Optional.empty();
            }
            long id = Long.parseLong(plain.substring(0, dot));
            long epoch = Long.parseLong(plain.substring(dot + 1));
            return id > 0 && epoch > 0 ? Optional.of(new Receipt(id, epoch)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
