package io.patternkit.spring.leader;

import io.patternkit.leader.Leadership;
import io.patternkit.spring.KeepAlive;
import io.patternkit.spring.NoRestart;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Starts a {@link Leadership} (campaigning and watching) when the context starts and closes it (resigning, so that a
 * successor is elected at once rather than after the lease expires) when the context stops. When the application has
 * a {@link io.patternkit.lifecycle.Lifecycle}, the lifecycle's drain resigns first, in its order; the close here then
 * finds the leadership closed. While it runs, a non-daemon {@link KeepAlive} thread keeps the JVM running.
 */
public final class LeadershipRunner implements SmartLifecycle {
    /**
     * The phase of this bean ({@code MAX_VALUE - 400}): started before, and stopped after, the lifecycle's drain, the
     * checkpoint hooks ({@code MAX_VALUE - 300}) and the listener containers and leaves ({@code MAX_VALUE - 200}), so
     * that with the lifecycle off a leader saves its checkpoints, fenced by its token, before it resigns.
     */
    public static final int PHASE = Integer.MAX_VALUE - 400;
    private final Leadership leadership;
    private final KeepAlive keepAlive = new KeepAlive("patternkit-leadership-keep-alive");
    private volatile boolean running;
    private volatile boolean stopped;

    /** @param leadership the leadership to run; not started; not null */
    public LeadershipRunner(Leadership leadership) {
        this.leadership = Objects.requireNonNull(leadership, "leadership");
    }

    @Override
    public void start() {
        if (stopped) {
            throw NoRestart.refused("The leadership of " + leadership.election() + " (candidate "
                    + leadership.candidateId() + ")");
        }
        leadership.start();
        keepAlive.start();
        running = true;
    }

    @Override
    public void stop() {
        stopped = true;
        leadership.close();
        keepAlive.stop();
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
}
