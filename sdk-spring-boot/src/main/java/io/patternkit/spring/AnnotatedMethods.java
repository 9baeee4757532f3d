package io.patternkit.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * Finds the methods of the context's beans that carry one annotation (such as
 * {@link io.patternkit.spring.workqueue.WorkQueueListener}) as the beans are initialised, for a container to act on
 * once every singleton exists, as Spring Kafka's listener annotation processor does. Depends on nothing, so that it
 * can be registered early (a static bean method) without holding back other beans' post-processing.
 *
 * @param <A> the annotation
 */
public abstract class AnnotatedMethods<A extends Annotation> implements BeanPostProcessor {
    private final Class<A> annotation;
    private final List<Found<A>> found = new CopyOnWriteArrayList<>();
    private final Set<Class<?>> without = ConcurrentHashMap.newKeySet();

    /** @param annotation the annotation to look for */
    protected AnnotatedMethods(Class<A> annotation) {
        this.annotation = annotation;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        if (without.contains(type)) {
            return bean;
        }
        Map<Method, A> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<A>) m -> AnnotatedElementUtils.findMergedAnnotation(m, annotation));
        if (methods.isEmpty()) {
            without.add(type);
        }
        methods.forEach((method, a) -> found.add(new Found<>(beanName, bean, AopUtils.selectInvocableMethod(method, bean.getClass()), a)));
        return bean;
    }

    /** @return the annotated methods found so far, in the order their beans were initialised */
    public List<Found<A>> found() {
        return List.copyOf(found);
    }

    /**
     * One annotated method of one bean.
     *
     * @param beanName the bean's name
     * @param bean the bean
     * @param method the method, invocable on the bean (through its proxy, if any)
     * @param annotation the method's annotation, merged with its meta-annotations
     * @param <A> the annotation
     */
    public record Found<A extends Annotation>(String beanName, Object bean, Method method, A annotation) {
        /** @return {@code beanName.methodName}, naming the method in logs and errors */
        public String id() {
            return beanName + "." + method.getName();
        }

        /**
         * @param ok whether the method or its attributes are right
         * @param problem what is wrong otherwise, for the error
         * @throws IllegalStateException naming the annotation, the method and the problem, when not {@code ok}
         */
        public void require(boolean ok, String problem) {
            if (!ok) {
                throw new IllegalStateException("@" + annotation.annotationType().getSimpleName() + " " + id() + ": " + problem);
            }
        }

        /**
         * Resolves the {@code ${...}} placeholders of one of the annotation's attributes.
         *
         * @param environment the application's environment
         * @param attribute the attribute's name, for the error
         * @param value the attribute's value
         * @return the value, placeholders resolved
         * @throws IllegalStateException naming the annotation, the method and the attribute when a placeholder cannot
         *     be resolved
         */
        public String resolve(Environment environment, String attribute, String value) {
            try {
                return environment.resolveRequiredPlaceholders(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@" + annotation.annotationType().getSimpleName() + " " + id() + ": "
                        + attribute + " '" + value + "': " + e.getMessage(), e);
            }
        }
    }
}
