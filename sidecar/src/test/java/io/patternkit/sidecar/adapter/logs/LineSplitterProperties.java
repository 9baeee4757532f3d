package io.patternkit.sidecar.adapter.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes arrive in whatever chunks, the lines handed on are the bytes sent, none lost or changed; a valid
 * line cut into pieces is cut between characters.
 */
class LineSplitterProperties {
    @Property(tries = 300)
    void theLinesJoinedAreTheBytesSentWhateverTheChunks(@ForAll @Size(max = 2000) byte[] bytes, @ForAll @Size(max = 20) List<Integer> cuts) {
        List<byte[]> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(300, line -> lines.add(line.bytes()));
        int at = 0;
        for (int cut : cuts) {
            int n = Math.min(Math.floorMod(cut, 200), bytes.length - at);
            splitter.feed(bytes, at, n);
            at += n;
        }
        splitter.feed(bytes, at, bytes.length - at);
        splitter.flush();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            boolean crBeforeNewline = bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n';
            if (bytes[i] != '\n' && !crBeforeNewline) {
                expected.write(bytes[i]);
            }
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        lines.forEach(joined::writeBytes);
        assertThat(lines).allSatisfy(line -> assertThat(line.length).isBetween(0, 300));
        assertThat(joined.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Property(tries = 300)
    void aValidLineCutIntoPiecesIsCutBetweenCharacters(@ForAll @Size(max = 400) String text, @ForAll @IntRange(min = 4, max = 64) int cap) {
        byte[] bytes = (text.replace('\n', ' ').replace('\r', ' ') + "\n").getBytes(StandardCharsets.UTF_8); // valid UTF-8
        String line = new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
        List<LogLine> pieces = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(cap, pieces::add);
        splitter.feed(bytes, 0, bytes.length);

        assertThat(pieces).allSatisfy(piece -> {
            assertThat(piece.malformed()).isNull();
            assertThat(piece.bytes().length).isLessThanOrEqualTo(cap);
        });
        assertThat(pieces.stream().map(LogLine::text).reduce("", String::concat)).isEqualTo(line);
    }
}
