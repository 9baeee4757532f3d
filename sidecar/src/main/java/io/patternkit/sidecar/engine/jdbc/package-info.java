/** The SQL shared by the JDBC engines: one autocommit statement per write, time read through {@code pk_now_ms()}. */
package io.patternkit.sidecar.engine.jdbc;
