package io.patternkit.spring.workqueue;

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

/**
 * Finds the {@link WorkQueueListener} methods of the context's beans as they are initialised, for the
 * {@link WorkQueueListenerContainer} to consume once every singleton exists. Depends on nothing, so that it can be
 * registered early (a static bean method) without holding back other beans' post-processing.
 */
public final class WorkQueueListenerAnnotationProcessor implements BeanPostProcessor {
    private final List<ListenerMethod> found = new CopyOnWriteArrayList<>();
    private final Set<Class<?>> withoutListeners = ConcurrentHashMap.newKeySet();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        if (withoutListeners.contains(type)) {
            return bean;
        }
        Map<Method, WorkQueueListener> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<WorkQueueListener>) m ->
                        AnnotatedElementUtils.findMergedAnnotation(m, WorkQueueListener.class));
        if (methods.isEmpty()) {
            withoutListeners.add(type);
        }
        methods.forEach((method, annotation) -> found.add(new ListenerMethod(beanName, bean,
                AopUtils.selectInvocableMethod(method, bean.getClass()), annotation)));
        return bean;
    }

    /** @return the listener methods found so far, in the order their beans were initialised */
    List<ListenerMethod> listenerMethods() {
        return List.copyOf(found);
    }

    /** One annotated method of one bean. */
    record ListenerMethod(String beanName, Object bean, Method method, WorkQueueListener annotation) {
        String id() {
            return beanName + "." + method.getName();
        }
    }
}
