/**
 * Implementation of the scatter SDK: the HTTP scatter and its NDJSON reader, the leaf endpoint and the
 * leaf registration. Public classes here are for the Patternkit SDK modules (such as the fakes in
 * {@code sdk-testing}) only; applications must not use them, and they change without notice.
 */
package io.patternkit.scatter.internal;
