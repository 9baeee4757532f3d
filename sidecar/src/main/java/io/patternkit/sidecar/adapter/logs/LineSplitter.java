package io.patternkit.sidecar.adapter.logs;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts the bytes of one file or pipe into lines at {@code \n} (a {@code \r} right before it is
 * dropped), keeping a line that has not ended yet until more bytes come or {@link #flush} is called.
 * A line longer than the cap is handed on in pieces of at most the cap, so a runaway writer cannot
 * exhaust memory and loses nothing (a piece never ends in a {@code \r} that might belong to a line
 * break). Not thread-safe: one reader feeds it.
 */
final class LineSplitter {
    private final int maxLineBytes;
    private final Consumer<LogLine> lines;
    private byte[] partial = new byte[256];
    private int length;

    /**
     * @param maxLineBytes the longest piece handed on (at least 2)
     * @param lines where each line goes
     */
    LineSplitter(int maxLineBytes, Consumer<LogLine> lines) {
        this.maxLineBytes = maxLineBytes;
        this.lines = lines;
    }

    /**
     * @param bytes bytes read
     * @param offset where they start
     * @param count how many
     */
    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit(length > 0 && partial[length - 1] == '\r' ? length - 1 : length, false);
                continue;
            }
            if (length == maxLineBytes) {
                emit(partial[length - 1] == '\r' ? length - 1 : length, partial[length - 1] == '\r');
            }
            append(b);
        }
    }

    /** Hands on the line that has not ended, if any: its writer will write no more of it. */
    void flush() {
        if (length > 0) {
            emit(length, false);
        }
    }

    private void append(byte b) {
        if (length == partial.length) {
            partial = Arrays.copyOf(partial, Math.min(partial.length * 2, maxLineBytes));
        }
        partial[length++] = b;
    }

    /** Hands on the first {@code count} bytes as a line; the buffer is emptied first (keeping a held {@code \r}). */
    private void emit(int count, boolean holdCr) {
        byte[] line = Arrays.copyOf(partial, count);
        length = 0;
        if (holdCr) {
            append((byte) '\r');
        }
        lines.accept(LogLine.decode(line));
    }
}
