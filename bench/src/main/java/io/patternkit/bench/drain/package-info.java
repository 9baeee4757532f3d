/** The worker drain benchmark: SIGTERM to a worker and its sidecar, with and without the drain. */
package io.patternkit.bench.drain;
