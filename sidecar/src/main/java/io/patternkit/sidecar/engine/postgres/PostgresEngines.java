package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.common.Closeables;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine as the host opens it: one HikariCP pool shared by the work queue and
 * leader election of this process, each with its own Flyway history and its own listening
 * connection for {@code NOTIFY}.
 */
public final class PostgresEngines implements EngineFamily {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresEngines.class);

    private final String jdbcUrl;
    private final String password;
    private final Closeables opened = new Closeables();
    private HikariDataSource pool;

    /**
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, which may carry user and password
     * @param password the password, or null when the URL carries it or none is needed; never logged
     */
    public PostgresEngines(String jdbcUrl, String password) {
        this.jdbcUrl = jdbcUrl;
        this.password = password;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public <T> Optional<T> open(Class<T> spi) {
        if (spi == QueueEngine.Opener.class) {
            QueueEngine.Opener opener = backoff -> opened.add(PostgresQueueEngine.on(pool(), jdbcUrl, password, backoff, false));
            return Optional.of(spi.cast(opener));
        }
        if (spi == LeaseEngine.class) {
            return Optional.of(spi.cast(opened.add(PostgresLeaseEngine.on(pool(), jdbcUrl, password, false))));
        }
        if (spi == CheckpointEngine.class) {
            return Optional.of(spi.cast(PostgresCheckpointEngine.on(pool())));
        }
        return Optional.empty();
    }

    private HikariDataSource pool() {
        if (pool == null) {
            pool = opened.add(PgPool.open(jdbcUrl, password, "patternkit-postgres", PgPool.SIZE));
            LOG.info("PostgreSQL engine connected");
        }
        return pool;
    }

    @Override
    public void close() {
        opened.closeAll();
    }
}
