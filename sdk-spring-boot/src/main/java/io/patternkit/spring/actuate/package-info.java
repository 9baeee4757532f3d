/**
 * Patternkit in Spring Boot Actuator: the {@code patternkit} endpoint and the {@code patternkit} entry of
 * {@code /actuator/info}, both gathered from the patterns' {@link io.patternkit.spring.StatusContributor}s.
 */
package io.patternkit.spring.actuate;
