/**
 * The adapter benchmark: statsd lines per second absorbed without loss, and the cost of a scrape of
 * the sidecar's {@code /metrics} as the adapter's series grow to 10,000.
 */
package io.patternkit.bench.adapter;
