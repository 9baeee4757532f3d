/**
 * Spring Boot auto-configuration of the Patternkit SDK: one auto-configuration per pattern, each active only when
 * its SDK module is on the classpath, every bean backing off to the application's own. Properties under
 * {@code patternkit.*}; see {@code docs/spring-boot.md}.
 */
package io.patternkit.spring.autoconfigure;
