package io.patternkit.spring.leader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean that runs only while this instance leads the application's election, in the way Spring Integration's
 * {@code SmartLifecycleRoleController} runs the endpoints of a role: the bean implements Spring's
 * {@link org.springframework.context.Lifecycle}, is started on {@link LeadershipGrantedEvent} and stopped on
 * {@link LeadershipRevokedEvent}, both on the leadership's event thread, so that its {@code stop()} has returned
 * before anything else hears of the revocation. A plain {@code Lifecycle} is not started by the context's refresh;
 * a {@link org.springframework.context.SmartLifecycle} must say {@code isAutoStartup() == false}, or the start-up
 * fails: it would otherwise run on every instance.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {
}
