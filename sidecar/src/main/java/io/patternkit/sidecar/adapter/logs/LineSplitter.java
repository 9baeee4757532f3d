package io.patternkit.sidecar.adapter.logs;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts the bytes of one file or pipe into lines at {@code \n} (a {@code \r} right before it is
 * dropped), keeping a line that has not ended yet until more bytes come or {@link #flush} is called.
 * A line longer than the cap is handed on in pieces of at most the cap, so a runaway writer cannot
 * exhaust memory and loses nothing; a piece never ends in a {@code \r} that might belong to a line
 * break, nor inside a UTF-8 character (RFC 3629), so the pieces of a valid line are each valid text.
 * Not thread-safe: one reader feeds it.
 */
final class LineSplitter {
    private final int maxLineBytes;
    private final Consumer<LogLine> lines;
    private byte[] partial = new byte[256];
    private int length;

    /**
     * @param maxLineBytes the longest piece handed on (at least 4, the longest UTF-8 character, for pieces of a
     *     valid line to be cut between characters; at least 2 for nothing to be lost)
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
                emit(length > 0 && partial[length - 1] == '\r' ? length - 1 : length, 0);
                continue;
            }
            if (length == maxLineBytes) {
                int carried = partial[length - 1] == '\r' ? 1 : unfinishedCharacter();
                emit(length - carried, carried);
            }
            append(b);
        }
    }

    /** Hands on the line that has not ended, if any: its writer will write no more of it. */
    void flush() {
        if (length > 0) {
            emit(length, 0);
        }
    }

    private void append(byte b) {
        if (length == partial.length) {
            partial = Arrays.copyOf(partial, Math.min(partial.length * 2, maxLineBytes));
        }
        partial[length++] = b;
    }

    /**
     * How many bytes at the end of the buffer begin a UTF-8 character that has not ended: a lead byte followed by
     * fewer continuation bytes than it announces. 0 when the buffer ends on a boundary, or when its end is not UTF-8
     * anyway (the bytes are then handed on as they are, and the line is marked malformed).
     */
    private int unfinishedCharacter() {
        int continuations = 0;
        while (continuations < 3 && continuations < length - 1 && (partial[length - 1 - continuations] & 0xC0) == 0x80) {
            continuations++;
        }
        int lead = partial[length - 1 - continuations] & 0xFF;
        int size = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xC2 && lead <= 0xDF ? 2 : 1;
        return continuations + 1 < size && continuations + 1 < length ? continuations + 1 : 0; // a piece is never empty
    }

    /** Hands on the first {@code count} bytes as a line, and keeps the {@code carried} bytes after them for the next. */
    private void emit(int count, int carried) {
        byte[] line = Arrays.copyOf(partial, count);
        System.arraycopy(partial, count, partial, 0, carried);
        length = carried;
        lines.accept(LogLine.decode(line));
    }
}
