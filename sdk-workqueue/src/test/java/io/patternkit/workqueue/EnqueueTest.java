package io.patternkit.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The SDK's limits on an item count characters as the sidecar and JSON Schema do: code points, not UTF-16 units. */
class EnqueueTest {
    private static final String OUTSIDE_THE_BMP = "\uD83D\uDCE6"; // one code point, two UTF-16 units

    @Test
    void aDedupKeyOf512CodePointsIsTakenWhateverItsUtf16LengthAnd513AreNot() {
        assertThat(Enqueue.json("1").dedupKey(OUTSIDE_THE_BMP.repeat(512)).dedupKey()).hasValue(OUTSIDE_THE_BMP.repeat(512));
        assertThatThrownBy(() -> Enqueue.json("1").dedupKey(OUTSIDE_THE_BMP.repeat(513)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 513");
        assertThatThrownBy(() -> Enqueue.json("1").dedupKey("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileRefOf4096CodePointsIsTakenWhateverItsUtf16LengthAnd4097AreNot() {
        assertThat(Enqueue.fileRef(OUTSIDE_THE_BMP.repeat(4096)).fileRef()).hasValue(OUTSIDE_THE_BMP.repeat(4096));
        assertThatThrownBy(() -> Enqueue.fileRef(OUTSIDE_THE_BMP.repeat(4097)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 4097");
        assertThatThrownBy(() -> Enqueue.fileRef("")).isInstanceOf(IllegalArgumentException.class);
    }
}
