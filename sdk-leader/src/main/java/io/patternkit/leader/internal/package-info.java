/**
 * Implementation of the Patternkit leader-election SDK: the HTTP client, wire records, argument checks and
 * the {@link io.patternkit.leader.Leadership} engine. Not for applications; the public classes here change
 * without notice.
 */
package io.patternkit.leader.internal;
