/** The work-queue pattern: the engine SPI, request validation and the asynchronous service with long-polls. */
package io.patternkit.sidecar.workqueue;
