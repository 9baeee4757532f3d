/**
 * The ambassador pattern (Burns and Oppenheimer, HotCloud 2016, section 4.2) as a module of the
 * sidecar: each upstream gets a loopback port the app calls with its own HTTP client, and the
 * ambassador shards, balances, retries, ejects and splits traffic behind it. Imports no other
 * pattern's package; the retry budget is the pattern-neutral
 * {@link io.patternkit.sidecar.common.ExtraLoadBudget} that scatter/gather's hedging also spends.
 */
package io.patternkit.sidecar.ambassador;
