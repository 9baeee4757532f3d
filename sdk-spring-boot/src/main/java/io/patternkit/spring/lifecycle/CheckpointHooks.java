package io.patternkit.spring.lifecycle;

import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.FencingTokenStaleException;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.NameRule;
import io.patternkit.spring.AnnotatedMethods;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Runs the context's {@link PatternkitCheckpoint} and {@link PatternkitRestore} methods against the sidecar's
 * {@link CheckpointStore}: checks every method once all singletons exist (one checkpoint and at most one restore
 * method per name, the right shapes, valid names; a wrong one fails the start-up naming it), saves in the lifecycle's
 * drain ({@link DrainPhase#CHECKPOINT}), or when the context stops if there is no {@link Lifecycle}, and restores when
 * the context starts, or, with a {@link CheckpointFence} (leadership), when the fence's owner calls
 * {@link #restore(long)} on election.
 */
public final class CheckpointHooks implements SmartInitializingSingleton, SmartLifecycle {
    /** The phase of this bean: started before the listener containers and leaves ({@code MAX_VALUE - 200}). */
    public static final int PHASE = Integer.MAX_VALUE - 300;
    private static final Logger log = LoggerFactory.getLogger(CheckpointHooks.class);

    private final Savers savers;
    private final Restorers restorers;
    private final ObjectProvider<CheckpointStore> store;
    private final ObjectProvider<Lifecycle> lifecycle;
    private final ObjectProvider<CheckpointFence> fence;
    private final Environment environment;
    private final Map<String, AnnotatedMethods.Found<?>> saving = new LinkedHashMap<>();
    private final Map<String, AnnotatedMethods.Found<?>> restoring = new LinkedHashMap<>();
    private volatile boolean running;

    /**
     * @param savers the {@link PatternkitCheckpoint} methods
     * @param restorers the {@link PatternkitRestore} methods
     * @param store where checkpoints are kept
     * @param lifecycle the application's lifecycle, if it has one
     * @param fence the leadership's fence, if the application campaigns
     * @param environment resolves {@code ${...}} in the names
     */
    public CheckpointHooks(Savers savers, Restorers restorers, ObjectProvider<CheckpointStore> store,
            ObjectProvider<Lifecycle> lifecycle, ObjectProvider<CheckpointFence> fence, Environment environment) {
        this.savers = savers;
        this.restorers = restorers;
        this.store = store;
        this.lifecycle = lifecycle;
        this.fence = fence;
        this.environment = environment;
    }

    /**
     * Checks the methods and registers the saves with the lifecycle's drain.
     *
     * @throws IllegalStateException naming the method when one is wrong
     */
    @Override
    public void afterSingletonsInstantiated() {
        for (AnnotatedMethods.Found<PatternkitCheckpoint> found : savers.found()) {
            found.require(found.method().getParameterCount() == 0 && found.method().getReturnType() != void.class,
                    "takes no parameters and returns the state to save");
            put(saving, name(found, found.annotation().name()), found);
        }
        for (AnnotatedMethods.Found<PatternkitRestore> found : restorers.found()) {
            found.require(found.method().getParameterCount() == 1, "takes one parameter, the state");
            String name = name(found, found.annotation().name());
            put(restoring, name, found);
            found.require(saving.containsKey(name), "has no @PatternkitCheckpoint method of the name '" + name
                    + "' to restore from");
        }
        if (saving.isEmpty()) {
            return;
        }
        if (store.getIfAvailable() == null) {
            throw new IllegalStateException("@PatternkitCheckpoint " + saving.values().iterator().next().id()
                    + " needs a CheckpointStore bean (the sidecar's checkpoints); the application replaced it with none");
        }
        lifecycle.ifAvailable(l -> saving.keySet().forEach(name -> l.register(DrainPhase.CHECKPOINT, "checkpoint " + name,
                budget -> save(name))));
    }

    private String name(AnnotatedMethods.Found<?> found, String raw) {
        String name = found.resolve(environment, "name", raw);
        found.require(NameRule.CHECKPOINT.matches(name), "name '" + name + "': " + NameRule.CHECKPOINT.requirement());
        return name;
    }

    private static void put(Map<String, AnnotatedMethods.Found<?>> methods, String name, AnnotatedMethods.Found<?> found) {
        AnnotatedMethods.Found<?> other = methods.putIfAbsent(name, found);
        found.require(other == null, "checkpoint '" + name + "' has one such method already: "
                + (other == null ? "" : other.id()));
    }

    /**
     * Saves one checkpoint: fenced by the fence's token when there is a fence (nothing when it gives none: not the
     * leader), unfenced otherwise. A save refused as stale (a successor restored already) is logged, not thrown.
     *
     * @param name the checkpoint
     * @throws io.patternkit.core.PatternkitException when the sidecar cannot save it (the drain records the failure)
     */
    public void save(String name) {
        CheckpointFence f = fence.getIfAvailable();
        OptionalLong token = f == null ? OptionalLong.empty() : f.currentToken();
        if (f != null && token.isEmpty()) {
            log.info("checkpoint {} not saved: this instance is not the leader", name);
            return;
        }
        Object state = invoke(saving.get(name));
        if (state == null) {
            log.debug("checkpoint {}: the method returned null; nothing saved", name);
            return;
        }
        CheckpointWrite write = CheckpointWrite.of(state);
        try {
            Checkpoint saved = store.getObject().save(name, token.isPresent() ? write.fencedBy(token.getAsLong()) : write);
            log.info("checkpoint {} saved at version {}{}", name, saved.version(),
                    token.isPresent() ? " fenced by token " + token.getAsLong() : "");
        } catch (FencingTokenStaleException e) {
            log.warn("checkpoint {} not saved: a successor with a newer fencing token restored it already ({})", name,
                    e.getMessage());
        }
    }

    /**
     * Restores every checkpoint with a {@link PatternkitRestore} method for a newly elected leader: raises each
     * checkpoint's fence to the token (the old term's saves are refused from then on) and hands the state to the
     * method; a checkpoint never saved calls nothing.
     *
     * @param fencingToken the new leader's token
     * @throws io.patternkit.core.PatternkitException when the sidecar cannot restore one
     */
    public void restore(long fencingToken) {
        restoring.keySet().forEach(name -> deliver(name, store.getObject().restore(name, fencingToken)));
    }

    private void deliver(String name, Checkpoint checkpoint) {
        AnnotatedMethods.Found<?> found = restoring.get(name);
        Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(found.method().getParameterTypes()[0]);
        Optional<?> state = checkpoint.stateAs(type);
        if (state.isEmpty()) {
            log.info("checkpoint {}: nothing saved yet; {} not called", name, found.id());
            return;
        }
        invoke(found, state.get());
        log.info("checkpoint {} restored at version {} into {}", name, checkpoint.version(), found.id());
    }

    private static Object invoke(AnnotatedMethods.Found<?> found, Object... args) {
        Method method = found.method();
        try {
            method.setAccessible(true);
            return method.invoke(found.bean(), args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(found.id() + " failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(found.id() + " cannot be called: " + e.getMessage(), e);
        }
    }

    /** Without a fence, reads every checkpoint back into its {@link PatternkitRestore} method. */
    @Override
    public void start() {
        if (fence.getIfAvailable() == null) {
            restoring.keySet().forEach(name -> store.getObject().read(name).ifPresent(c -> deliver(name, c)));
        }
        running = true;
    }

    /** Without a {@link Lifecycle}, saves every checkpoint now (with one, its drain saved them). */
    @Override
    public void stop() {
        if (running && lifecycle.getIfAvailable() == null) {
            saving.keySet().forEach(this::save);
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Finds the {@link PatternkitCheckpoint} methods as beans are initialised. */
    public static final class Savers extends AnnotatedMethods<PatternkitCheckpoint> {
        /** Creates the finder; the auto-configuration registers it. */
        public Savers() {
            super(PatternkitCheckpoint.class);
        }
    }

    /** Finds the {@link PatternkitRestore} methods as beans are initialised. */
    public static final class Restorers extends AnnotatedMethods<PatternkitRestore> {
        /** Creates the finder; the auto-configuration registers it. */
        public Restorers() {
            super(PatternkitRestore.class);
        }
    }
}
