package io.patternkit.sidecar.adapter.logs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One line as read from a log, without its line break: its text, and its bytes when they are not
 * valid UTF-8 (the text then has U+FFFD where the bytes could not be decoded, and the record carries
 * the bytes as they were, so nothing is lost or guessed).
 *
 * @param text the line, decoded
 * @param malformed the line's bytes when they are not valid UTF-8, else {@code null}
 */
record LogLine(String text, byte[] malformed) {
    /**
     * Decodes a line strictly as UTF-8.
     *
     * @param bytes the line's bytes, without the line break
     * @return the line
     */
    static LogLine decode(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return new LogLine(text, null);
        } catch (CharacterCodingException e) {
            return new LogLine(new String(bytes, StandardCharsets.UTF_8), bytes.clone());
        }
    }

    /** @return the line's bytes as read */
    byte[] bytes() {
        return malformed != null ? malformed : text.getBytes(StandardCharsets.UTF_8);
    }
}
