/**
 * The work queue in a Spring application: {@link io.patternkit.spring.workqueue.WorkQueueListener} methods consumed
 * by {@link io.patternkit.workqueue.WorkQueueConsumer}s that the context starts and drains, and the
 * {@link io.patternkit.spring.workqueue.WorkQueueTemplate} producer. Payloads are bound by a
 * {@link io.patternkit.spring.workqueue.PayloadCodec} over the application's own Jackson mapper.
 */
package io.patternkit.spring.workqueue;
