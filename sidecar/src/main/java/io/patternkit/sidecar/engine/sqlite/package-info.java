/** The embedded SQLite engine: one WAL file per machine, shared by every local sidecar process. */
package io.patternkit.sidecar.engine.sqlite;
