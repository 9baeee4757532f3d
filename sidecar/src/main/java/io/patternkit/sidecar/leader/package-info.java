/**
 * The leader-election pattern: the lease engine SPI, request validation, and the asynchronous
 * service that keeps each holder's validity on the sidecar's monotonic clock, parks campaigns and
 * watches without threads, and releases leases on resign, disconnect, drain and loss.
 */
package io.patternkit.sidecar.leader;
