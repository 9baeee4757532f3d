package io.patternkit.spring.workqueue;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a work queue's items, in the style of Spring Kafka's
 * {@code @KafkaListener} and Spring Cloud AWS's {@code @SqsListener}. The context runs one
 * {@link io.patternkit.workqueue.WorkQueueConsumer} per annotated method, starts it when the context starts and
 * drains it when the context stops.
 *
 * <p><b>Parameters.</b> Each parameter is bound by its type: {@link io.patternkit.workqueue.WorkItem} receives the
 * item (id, attempt, receipt, dedup key); {@link java.nio.file.Path} receives the item's file (a file stage, as in
 * the paper's work-queue pattern); at most one other parameter receives the item's JSON payload, bound through the
 * application's Jackson mapper (generic types such as {@code List<Order>} included). The method returns
 * {@code void}.
 *
 * <p><b>Outcome.</b> A normal return acks the item. A thrown exception nacks it, and the sidecar redelivers it
 * after a backoff until its attempts run out, when it is dead-lettered (SQS's redrive policy). An exception of a
 * type listed in {@link #deadLetterOn()}, a {@link io.patternkit.workqueue.PoisonItemException}, a payload that does
 * not bind to the parameter's type, and a missing file dead-letter the item at once: retrying cannot help.
 *
 * <p>Every attribute but {@link #deadLetterOn()} accepts {@code ${...}} placeholders; an empty attribute takes the
 * default from {@code patternkit.workqueue.listener.*}. A bad value fails the context's start-up with a message that
 * names the method and the attribute.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkQueueListener {
    /** @return the queue's name: 1 to 128 letters, digits, {@code .}, {@code _} and {@code -}; placeholders allowed */
    String queue();

    /** @return how many items are handled at once, 1 to 1000; default {@code patternkit.workqueue.listener.concurrency} */
    String concurrency() default "";

    /** @return how many items one claim asks for, 1 to 1000; default {@code patternkit.workqueue.listener.batch-size} */
    String batchSize() default "";

    /**
     * @return how long a claimed item stays invisible to other consumers before it is redelivered (SQS's visibility
     *     timeout; the consumer extends it while the method runs), as {@code 30s} or {@code PT30S}; default
     *     {@code patternkit.workqueue.listener.visibility-timeout}
     */
    String visibilityTimeout() default "";

    /** @return whether the consumer starts with the context; default {@code patternkit.workqueue.listener.auto-startup} */
    String autoStartup() default "";

    /** @return exception types (and their subtypes) that dead-letter the item at once instead of a retry */
    Class<? extends Throwable>[] deadLetterOn() default {};
}
