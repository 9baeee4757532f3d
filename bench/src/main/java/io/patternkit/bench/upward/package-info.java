/** What the upward API's profiling costs a loaded application: {@link io.patternkit.bench.upward.UpwardApiCost}. */
package io.patternkit.bench.upward;
