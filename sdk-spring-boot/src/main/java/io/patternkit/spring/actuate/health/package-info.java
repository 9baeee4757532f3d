/**
 * The sidecars' health for Spring Boot 4's health endpoint and probes (Boot 4 moved health into
 * {@code spring-boot-health}; on Boot 3.5 this package is left out and the {@code patternkit} endpoint shows the
 * same readiness).
 */
package io.patternkit.spring.actuate.health;
