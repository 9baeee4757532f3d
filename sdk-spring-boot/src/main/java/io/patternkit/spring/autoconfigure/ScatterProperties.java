package io.patternkit.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Scatter/gather's client and this application's leaves, under {@code patternkit.scatter}. */
@ConfigurationProperties("patternkit.scatter")
public class ScatterProperties {
    /** The scatter root sidecar's URL when it differs from patternkit.sidecar.url. */
    private URI url;
    /** The leaves this application serves with @ScatterLeafHandler methods. */
    private final Leaf leaf = new Leaf();
    /** The management server the leaves are served on when the application has neither a web server (see patternkit.web) nor a ManagementServer bean. */
    private final Server server = new Server();

    /** @return the scatter sidecar's own URL; null for {@code patternkit.sidecar.url} */
    public URI getUrl() {
        return url;
    }

    /** @param url the scatter sidecar's own URL */
    public void setUrl(URI url) {
        this.url = url;
    }

    /** @return the leaves' settings */
    public Leaf getLeaf() {
        return leaf;
    }

    /** @return the leaves' server's settings */
    public Server getServer() {
        return server;
    }

    /** The leaves' settings. */
    public static class Leaf {
        /** The shard of @ScatterLeafHandler methods that name none (in Kubernetes, often the StatefulSet ordinal's). */
        private String shard;
        /** How long a registration lives without a heartbeat, 1s to 300s; heartbeats go every ttl/3. */
        private Duration ttl = Duration.ofSeconds(10);
        /** Whether the leaves register with the root sidecar (false when the root finds them by DNS or a static list). */
        private boolean register = true;

        /** @return the default shard; null for none */
        public String getShard() {
            return shard;
        }

        /** @param shard the default shard */
        public void setShard(String shard) {
            this.shard = shard;
        }

        /** @return the registrations' time to live */
        public Duration getTtl() {
            return ttl;
        }

        /** @param ttl the registrations' time to live */
        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        /** @return whether the leaves register */
        public boolean isRegister() {
            return register;
        }

        /** @param register whether the leaves register */
        public void setRegister(boolean register) {
            this.register = register;
        }
    }

    /** The leaves' own management server. */
    public static class Server {
        /** The address it binds (default PATTERNKIT_MANAGEMENT_HOST, else 127.0.0.1; a pod's address for a root in another pod). */
        private String host;
        /** The port it binds (default PATTERNKIT_MANAGEMENT_PORT, else 0: any free port, which the leaves register with). */
        private Integer port;

        /** @return the host; null for the environment's */
        public String getHost() {
            return host;
        }

        /** @param host the host */
        public void setHost(String host) {
            this.host = host;
        }

        /** @return the port; null for the environment's */
        public Integer getPort() {
            return port;
        }

        /** @param port the port */
        public void setPort(Integer port) {
            this.port = port;
        }
    }
}
