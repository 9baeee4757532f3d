package io.patternkit.sidecar.adapter;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTest {
    @TempDir
    Path dir;

    @Test
    void aJdbcCheckWhoseDriverQuotesTheUrlFailsWithoutThePasswordInIt() throws Exception {
        // No MySQL driver ships: DriverManager answers "No suitable driver found for <the URL as given>".
        CheckSpec check = AdapterConfig.load(Files.writeString(dir.resolve("adapter.json"), "{\"checks\": [{\"name\": \"db\", "
                + "\"probe\": \"ready\", \"jdbc\": {\"url\": \"jdbc:mysql://app:s3cret@db:3306/app?password=t0p\"}}]}"))
                .checks().get(0);
        assertThatThrownBy(() -> Probe.of(check, null, name -> null).run(Duration.ofSeconds(1)))
                .isInstanceOf(SQLException.class).hasMessageContaining("jdbc:mysql://...@db:3306/app?...")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("t0p").hasNoCause();
    }
}
