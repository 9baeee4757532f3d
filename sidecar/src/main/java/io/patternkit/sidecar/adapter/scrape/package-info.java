/**
 * The adapter's scrapes: another process's metrics endpoint (Prometheus text, or JSON values picked
 * by JSON Pointer) read at each scrape of the sidecar's {@code /metrics}, renamed and relabelled,
 * and served with the sidecar's own series, so that a pod has one scrape target with consistent
 * names whatever its containers export.
 */
package io.patternkit.sidecar.adapter.scrape;
