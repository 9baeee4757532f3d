/**
 * Checkpoints: state versioned, conditional and fenced by a leader's token, kept on the engine so that
 * a successor restores what its predecessor saved (routes, service, parsing, the engine SPI).
 */
package io.patternkit.sidecar.checkpoint;
