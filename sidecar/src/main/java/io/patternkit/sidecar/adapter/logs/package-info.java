/**
 * The adapter's logging part (Burns, "Designing Distributed Systems", the logging adapter): an app's
 * log files, followed across rotation, or a named pipe, in the formats apps write (JSON lines,
 * logfmt, the combined access log, plain text with multi-line Java stack traces), normalised into
 * one shape ({@link io.patternkit.sidecar.adapter.logs.LogRecord}: time, level, message, fields)
 * and written as JSON lines on the sidecar's standard output, with the most recent records kept for
 * {@code GET /v1/adapter/logs}.
 */
package io.patternkit.sidecar.adapter.logs;
