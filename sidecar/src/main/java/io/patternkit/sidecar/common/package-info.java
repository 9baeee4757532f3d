/**
 * Pattern-neutral types every pattern module and engine of the sidecar shares: the problem and
 * engine failures the host maps to RFC 9457 documents, strict JSON field reading, and the
 * monotonic {@link io.patternkit.sidecar.common.Ticker}. Imports no pattern package.
 */
package io.patternkit.sidecar.common;
