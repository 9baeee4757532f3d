package io.patternkit.spring.scatter;

import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.LeafHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.springframework.util.ClassUtils;

/**
 * A {@link ScatterLeafHandler} method as the SDK's {@link LeafHandler}: the request goes to the method's one
 * parameter that is not a {@link LeafContext}, the context to the one that is, if any.
 *
 * @param id the method's id ({@code beanName.methodName}), for errors
 * @param bean the bean
 * @param method the method
 * @param requestType the type the request is read as
 * @param requestIndex the request parameter's position
 * @param contextIndex the context parameter's position, or -1 when the method takes none
 */
record LeafMethod(String id, Object bean, Method method, Class<Object> requestType, int requestIndex, int contextIndex)
        implements LeafHandler<Object, Object> {

    /**
     * @param id the method's id
     * @param bean the bean
     * @param method the annotated method
     * @return the handler
     * @throws IllegalStateException when the method's shape is not a leaf's, saying why
     */
    @SuppressWarnings("unchecked") // the request is read as the parameter's type and passed to it as an Object
    static LeafMethod of(String id, Object bean, Method method) {
        Class<?>[] params = method.getParameterTypes();
        int request = -1;
        int context = -1;
        for (int i = 0; i < params.length; i++) {
            if (LeafContext.class.isAssignableFrom(params[i])) {
                context = i;
            } else if (request < 0) {
                request = i;
            } else {
                throw new IllegalStateException("@ScatterLeafHandler " + id + " takes more than one request parameter; it"
                        + " takes the scatter request and, optionally, the LeafContext");
            }
        }
        if (request < 0) {
            throw new IllegalStateException("@ScatterLeafHandler " + id + " takes no request parameter; it takes the scatter"
                    + " request and, optionally, the LeafContext");
        }
        if (method.getReturnType() == void.class) {
            throw new IllegalStateException("@ScatterLeafHandler " + id + " returns nothing; it returns this shard's part");
        }
        method.setAccessible(true);
        return new LeafMethod(id, bean, method, (Class<Object>) ClassUtils.resolvePrimitiveIfNecessary(params[request]), request,
                context);
    }

    @Override
    public Object handle(Object request, LeafContext context) throws Exception {
        Object[] args = new Object[method.getParameterCount()];
        args[requestIndex] = request;
        if (contextIndex >= 0) {
            args[contextIndex] = context;
        }
        try {
            return method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception thrown) {
                throw thrown; // the method's own failure, as the SDK reports a handler's
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
