/** The PostgreSQL engine: HikariCP, Flyway, {@code FOR UPDATE SKIP LOCKED} claims and {@code LISTEN/NOTIFY} wake-ups. */
package io.patternkit.sidecar.engine.postgres;
