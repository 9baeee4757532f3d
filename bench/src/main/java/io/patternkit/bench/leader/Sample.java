package io.patternkit.bench.leader;

/**
 * One measured transition.
 *
 * @param contender the contender's key
 * @param metric {@code handover}, {@code crash-app} or {@code crash-app-sidecar}
 * @param leaseMs the lease duration of the phase, milliseconds
 * @param round the round, from 0; negative for warm-up rounds (not reported)
 * @param millis from the trigger (the leader's {@code RESIGNING} stamp, or the harness's stamp right
 *     before {@code kill -9}) to the successor's {@code ELECTED} stamp; NaN when no successor was
 *     elected in time
 * @param from the leader before
 * @param to the successor, or empty
 */
record Sample(String contender, String metric, long leaseMs, int round, double millis, String from, String to) {
}
