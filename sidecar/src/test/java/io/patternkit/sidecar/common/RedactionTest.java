package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void aUrlLosesItsUserInfoAndQuery() {
        assertThat(Redaction.url(URI.create("http://admin:s3cret@127.0.0.1:9200/health?token=abc")))
                .isEqualTo("http://127.0.0.1:9200/health");
        assertThat(Redaction.url(URI.create("https://app/ready"))).isEqualTo("https://app/ready");
    }

    @Test
    void aJdbcUrlLosesItsPropertiesAndItsUserInEveryDriversSpelling() {
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db/app?user=app&password=s3cret")).isEqualTo("jdbc:postgresql://db/app?...");
        assertThat(Redaction.jdbcUrl("jdbc:sqlserver://db:1433;user=sa;password=s3cret")).isEqualTo("jdbc:sqlserver://db:1433;...");
        assertThat(Redaction.jdbcUrl("jdbc:mysql://app:s3cret@db:3306/app")).isEqualTo("jdbc:mysql://...@db:3306/app");
        assertThat(Redaction.jdbcUrl("jdbc:oracle:thin:scott/tiger@//db:1521/svc")).isEqualTo("jdbc:oracle:thin:...@//db:1521/svc");
        assertThat(Redaction.jdbcUrl("jdbc:sqlite:/data/app.db")).isEqualTo("jdbc:sqlite:/data/app.db");
    }

    @Test
    void aDriversMessageLosesTheUrlItQuotes() {
        String url = "jdbc:postgresql://app:s3cret@db/app?password=t0p";
        assertThat(Redaction.scrubbed("Failed to get driver instance for jdbcUrl=" + url + " (twice: " + url + ")", url))
                .isEqualTo("Failed to get driver instance for jdbcUrl=jdbc:postgresql://...@db/app?... (twice: "
                        + "jdbc:postgresql://...@db/app?...)");
        assertThat(Redaction.scrubbed(null, url)).isNull();
    }
}
