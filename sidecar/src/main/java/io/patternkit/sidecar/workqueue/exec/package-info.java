/**
 * A command per item: the work-queue sidecar consumes a queue itself and runs an external command
 * for each item ({@code patternkit-sidecar workqueue --exec-queue Q --exec CMD...}), so a Burns
 * stage can be written in any language with no client code. The exit status settles the item
 * (sysexits.h: 0 acks, 65 dead-letters, anything else retries with backoff).
 */
package io.patternkit.sidecar.workqueue.exec;
