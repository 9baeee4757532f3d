package io.patternkit.spring.scatter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as this application's leaf of a scatter pool (Burns and Oppenheimer's scatter/gather: the
 * leaf computation), in the style of {@code @KafkaListener}: the context serves it at
 * {@code /patternkit/leaf/<pool>} on the Patternkit management server, registers it with the root sidecar, and
 * leaves the pool when it stops (within the lifecycle's drain when there is one).
 *
 * <p>The method takes the scatter request as its one parameter that is not a
 * {@link io.patternkit.scatter.LeafContext} (read from JSON as that parameter's type) and, optionally, the
 * {@code LeafContext} (pool, shard, remaining budget, cancellation); it returns this shard's part (written as JSON).
 * A thrown exception answers 500 {@code leaf-failed} naming only its class, as {@link io.patternkit.scatter.LeafHandler}
 * says. Attributes take {@code ${...}} placeholders.
 *
 * <pre>{@code
 * @ScatterLeafHandler(pool = "search", shard = "${SHARD}")
 * Hits search(Query query, LeafContext context) {
 *     return index.search(query, context.remaining());
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ScatterLeafHandler {
    /** @return the pool this leaf serves a shard of */
    String pool();

    /** @return the shard; default {@code patternkit.scatter.leaf.shard} */
    String shard() default "";

    /** @return this replica's leaf id; default the SDK's (the pod's or host's name and the server's port) */
    String leafId() default "";
}
