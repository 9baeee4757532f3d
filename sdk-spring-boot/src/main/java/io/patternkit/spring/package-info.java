/**
 * Spring Boot integration of the Patternkit SDK. The auto-configuration lives in
 * {@link io.patternkit.spring.autoconfigure}; each pattern's Spring API in its own package
 * ({@link io.patternkit.spring.workqueue}, {@link io.patternkit.spring.leader}, {@link io.patternkit.spring.lifecycle}),
 * none of which imports another; {@link io.patternkit.spring.actuate} gathers their
 * {@link io.patternkit.spring.StatusContributor}s for Actuator. See {@code docs/spring-boot.md}.
 */
package io.patternkit.spring;
