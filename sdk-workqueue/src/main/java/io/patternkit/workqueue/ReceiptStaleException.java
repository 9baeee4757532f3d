package io.patternkit.workqueue;

import io.patternkit.core.ConflictException;

/**
 * 409 {@code receipt-stale}: the receipt is no longer the item's latest. The item was redelivered to
 * another claim (its visibility timeout lapsed) or was already settled. Do not retry the ack, nack or
 * extend: the item's fate now belongs to whoever holds the newer receipt. Work done under this receipt
 * may be done again (at-least-once delivery), so handlers should be idempotent.
 */
public class ReceiptStaleException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /**
     * @param operation the operation that used the stale receipt, such as {@code ack}
     * @param cause the generic conflict as mapped from the wire
     */
    public ReceiptStaleException(String operation, ConflictException cause) {
        super(operation + ": the receipt is stale: the item was redelivered or already settled; do not retry the "
                + operation + " (" + cause.getMessage() + ")", cause.problemType().orElse(null), cause);
    }
}
