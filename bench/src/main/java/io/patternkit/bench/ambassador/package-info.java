/**
 * The ambassador benchmark: the ambassador's overhead per request and throughput against calling
 * the upstream directly, and the tail with stragglers with and without hedging, each measured in the
 * same run as its comparison.
 */
package io.patternkit.bench.ambassador;
