package io.patternkit.spring.workqueue;

import io.patternkit.workqueue.PoisonItemException;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/** Calls one {@link WorkQueueListener} method for each item, binding its parameters by type. */
final class ListenerMethodHandler implements WorkHandler {
    private final String id;
    private final Object bean;
    private final Method method;
    private final PayloadCodec codec;
    private final List<Class<? extends Throwable>> deadLetterOn;
    private final List<Binding> bindings;

    private ListenerMethodHandler(String id, Object bean, Method method, PayloadCodec codec,
            List<Class<? extends Throwable>> deadLetterOn, List<Binding> bindings) {
        this.id = id;
        this.bean = bean;
        this.method = method;
        this.codec = codec;
        this.deadLetterOn = deadLetterOn;
        this.bindings = bindings;
    }

    /**
     * @throws IllegalStateException when the method's shape is not one a listener may have
     */
    static ListenerMethodHandler of(String id, Object bean, Method method, PayloadCodec codec,
            List<Class<? extends Throwable>> deadLetterOn) {
        if (method.getReturnType() != void.class) {
            throw new IllegalStateException("@WorkQueueListener " + id + " must return void (an item is acked when"
                    + " the method returns and nacked when it throws), but returns " + method.getReturnType().getName());
        }
        Class<?> beanClass = AopUtils.getTargetClass(bean);
        List<Binding> bindings = java.util.stream.IntStream.range(0, method.getParameterCount())
                .mapToObj(i -> bindingOf(ResolvableType.forMethodParameter(method, i, beanClass))).toList();
        if (bindings.stream().filter(b -> b.kind == Kind.PAYLOAD).count() > 1) {
            throw new IllegalStateException("@WorkQueueListener " + id + " has more than one payload parameter; take"
                    + " the payload once, and WorkItem or Path for the rest");
        }
        ReflectionUtils.makeAccessible(method);
        return new ListenerMethodHandler(id, bean, method, codec, deadLetterOn, bindings);
    }

    /**
     * @param parameter the parameter's type resolved against the bean's class: {@code T} of a generic base class is
     *     the subclass's, {@code List<Order>} included
     */
    private static Binding bindingOf(ResolvableType parameter) {
        Class<?> raw = parameter.toClass();
        if (raw == WorkItem.class) {
            return new Binding(Kind.ITEM, WorkItem.class);
        }
        if (raw == Path.class) {
            return new Binding(Kind.FILE, Path.class);
        }
        return new Binding(Kind.PAYLOAD, parameter.hasGenerics()
                ? ResolvableType.forClassWithGenerics(raw, parameter.getGenerics()).getType() : raw);
    }

    @Override
    public void handle(WorkItem item) throws Exception {
        Object[] args = new Object[bindings.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = bind(bindings.get(i), item);
        }
        try {
            method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof PoisonItemException) && deadLetterOn.stream().anyMatch(t -> t.isInstance(cause))) {
                throw new PoisonItemException(cause.getClass().getSimpleName() + " is listed in deadLetterOn of "
                        + id + ": " + cause.getMessage(), cause);
            }
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw (Error) cause;
        }
    }

    private Object bind(Binding binding, WorkItem item) {
        switch (binding.kind) {
            case ITEM:
                return item;
            case FILE:
                return item.file().orElseThrow(() -> new PoisonItemException(
                        "item " + item.id() + " has no file reference, and " + id + " takes a Path"));
            default:
                String json = item.payloadJson().orElseThrow(() -> new PoisonItemException(
                        "item " + item.id() + " has no JSON payload, and " + id + " takes one"));
                try {
                    return codec.decode(json, binding.type);
                } catch (IllegalArgumentException e) {
                    throw new PoisonItemException("payload of item " + item.id() + " does not bind to "
                            + binding.type.getTypeName() + " of " + id + ": " + e.getMessage(), e);
                }
        }
    }

    private enum Kind { ITEM, FILE, PAYLOAD }

    private record Binding(Kind kind, Type type) {
    }
}
