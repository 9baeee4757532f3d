package io.patternkit.spring.actuate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.beans.factory.FactoryBean;

/**
 * A Patternkit health contributor on Spring Boot 3.5, whose health API ({@code org.springframework.boot.actuate.health})
 * is not the Boot 4 one this module compiles against: a {@link FactoryBean} of a JDK proxy of Boot 3's
 * {@code HealthIndicator}, building its {@code Health} through Boot 3's own public builder, so that one jar serves both
 * Boot versions. Boot 3 names the contributor after the bean, less {@code HealthIndicator}. An exception while
 * answering gives DOWN with the exception, as Boot's {@code AbstractHealthIndicator} does.
 */
public final class Boot3HealthIndicator implements FactoryBean<Object> {
    /** Boot 3's health indicator interface. */
    public static final String HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String HEALTH = "org.springframework.boot.actuate.health.Health";

    private final Supplier<PatternkitHealth.Answer> answer;
    private final ClassLoader loader;

    /**
     * @param answer what the contributor answers, asked at every health request
     * @param loader the class loader that holds Boot 3's Actuator
     */
    public Boot3HealthIndicator(Supplier<PatternkitHealth.Answer> answer, ClassLoader loader) {
        this.answer = Objects.requireNonNull(answer, "answer");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public Class<?> getObjectType() {
        try {
            return Class.forName(HEALTH_INDICATOR, false, loader);
        } catch (ClassNotFoundException e) {
            return null; // not Boot 3: no such contributor
        }
    }

    @Override
    public Object getObject() throws ClassNotFoundException {
        Class<?> type = Class.forName(HEALTH_INDICATOR, false, loader);
        Class<?> health = Class.forName(HEALTH, false, loader);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "health" -> method.getParameterCount() == 0 ? health(health) : InvocationHandler.invokeDefault(proxy,
                    method, args);
            case "toString" -> "Boot3HealthIndicator[" + answer + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args)
                    : method.invoke(this, args);
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, handler);
    }

    private Object health(Class<?> health) throws ReflectiveOperationException {
        Object builder;
        try {
            PatternkitHealth.Answer a = answer.get();
            builder = health.getMethod(a.up() ? "up" : "down").invoke(null);
            builder = builder.getClass().getMethod("withDetails", Map.class).invoke(builder, a.details());
        } catch (RuntimeException e) {
            builder = health.getMethod("down", Exception.class).invoke(null, e);
        }
        return builder.getClass().getMethod("build").invoke(builder);
    }
}
