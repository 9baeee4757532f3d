package io.patternkit.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;

/**
 * The JUnit 5 extension behind {@link Sidecar}: starts a real sidecar process for each annotated
 * {@link SidecarProcess} field and closes it afterwards (static fields around the class, instance fields around each
 * test). Usable without Spring; registered by the annotation itself.
 */
public final class SidecarExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SidecarExtension.class);

    /** JUnit creates it. */
    public SidecarExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        start(context, context.getRequiredTestClass(), null);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        start(context, context.getRequiredTestClass(), context.getRequiredTestInstance());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeAll(context);
    }

    private static void start(ExtensionContext context, Class<?> type, Object instance) throws IllegalAccessException {
        List<SidecarProcess> started = new ArrayList<>();
        for (Field field : AnnotationSupport.findAnnotatedFields(type, Sidecar.class)) {
            if (ModifierSupport.isStatic(field) != (instance == null)) {
                continue;
            }
            if (field.getType() != SidecarProcess.class || Modifier.isFinal(field.getModifiers())) {
                throw new IllegalStateException("@Sidecar field " + type.getSimpleName() + "." + field.getName()
                        + " must be a non-final SidecarProcess");
            }
            Sidecar annotation = field.getAnnotation(Sidecar.class);
            SidecarProcess sidecar = SidecarProcess.run(annotation.patterns()).args(annotation.args()).start();
            started.add(sidecar);
            field.setAccessible(true);
            field.set(instance, sidecar);
        }
        context.getStore(NAMESPACE).put(Started.class, new Started(started));
    }

    private static void closeAll(ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
        if (started != null) {
            started.processes().forEach(SidecarProcess::close);
        }
    }

    private record Started(List<SidecarProcess> processes) {
    }
}
