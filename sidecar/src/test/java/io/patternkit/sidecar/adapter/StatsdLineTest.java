package io.patternkit.sidecar.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsdLineTest {
    private static String tags(int count) {
        return IntStream.range(0, count).mapToObj(i -> "k" + i + ":v").collect(Collectors.joining(",", "|#", ""));
    }

    @Test
    void aLineWithMoreTagsThanTheCapIsRefused() {
        assertThat(StatsdLine.parse("hits:1|c" + tags(StatsdLine.MAX_TAGS))).get()
                .extracting(line -> line.tags().size()).isEqualTo(2 * StatsdLine.MAX_TAGS);
        assertThat(StatsdLine.parse("hits:1|c" + tags(StatsdLine.MAX_TAGS + 1))).isEmpty();
    }

    @Test
    void aTagValueLongerThanTheCapIsRefused() {
        String longest = "v".repeat(StatsdLine.MAX_TAG_VALUE);
        assertThat(StatsdLine.parse("hits:1|c|#path:" + longest)).get()
                .extracting(line -> line.tags().get(1)).isEqualTo(longest);
        assertThat(StatsdLine.parse("hits:1|c|#path:" + longest + "v")).isEmpty();
    }
}
