package io.patternkit.spring.autoconfigure;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The checkpoints' client, under {@code patternkit.checkpoint}. */
@ConfigurationProperties("patternkit.checkpoint")
public class CheckpointProperties {
    /** The URL of the sidecar that keeps checkpoints when it differs from patternkit.sidecar.url. */
    private URI url;

    /** @return the checkpoint sidecar's own URL; null for {@code patternkit.sidecar.url} */
    public URI getUrl() {
        return url;
    }

    /** @param url the checkpoint sidecar's own URL */
    public void setUrl(URI url) {
        this.url = url;
    }
}
