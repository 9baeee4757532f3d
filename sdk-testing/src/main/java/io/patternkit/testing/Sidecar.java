package io.patternkit.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a {@link SidecarProcess} field that {@link SidecarExtension} fills with a started real sidecar, in the style
 * of Testcontainers' {@code @Container}: a static field gets one process for the whole test class (started before
 * all tests, closed after them), an instance field one per test. The process is {@code patternkit-sidecar run} on
 * SQLite in a fresh temporary directory and an ephemeral port, with the tests' quick-start JVM settings; its jar is
 * the system property {@code patternkit.sidecar.jar} or {@code sidecar/target/patternkit-sidecar.jar}.
 *
 * <pre>{@code
 * class OrdersTest {
 *     @Sidecar(patterns = "workqueue")
 *     static SidecarProcess sidecar;
 *
 *     @DynamicPropertySource   // in a Spring test: point the starter at it
 *     static void sidecarUrl(DynamicPropertyRegistry registry) {
 *         registry.add("patternkit.sidecar.url", () -> sidecar.baseUrl());
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SidecarExtension.class)
public @interface Sidecar {
    /** @return the patterns to serve, such as {@code "workqueue", "leader"}; empty for every pattern */
    String[] patterns() default {};

    /** @return more options of the sidecar, such as {@code "--lease-duration", "3s"} */
    String[] args() default {};
}
