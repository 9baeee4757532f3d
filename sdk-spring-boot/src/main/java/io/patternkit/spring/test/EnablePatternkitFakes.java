package io.patternkit.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Runs a Spring application's Patternkit code against the in-memory fakes of {@code patternkit-sdk-testing} instead
 * of sidecars: an {@code InMemoryWorkQueues} under every {@code @WorkQueueListener} and the {@code WorkQueueTemplate},
 * an {@code InMemoryLeaderElection} under the {@code Leadership}, both on one shared {@code ManualClock} bean that the
 * test advances to move visibility timeouts, backoffs, delays and leases. Put it on a test's configuration (or a
 * {@code @SpringBootTest} class); the auto-configuration backs off to the fakes. Needs
 * {@code patternkit-sdk-testing} on the test classpath.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(PatternkitFakesConfiguration.class)
public @interface EnablePatternkitFakes {
}
