package io.patternkit.sidecar.workqueue;

import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.patternkit.sidecar.workqueue.exec.CommandRunner;
import io.patternkit.sidecar.workqueue.exec.ExecConsumer;
import io.patternkit.sidecar.workqueue.exec.ExecMetrics;
import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work queue as a module of the sidecar: opens the queue engine on the host's engine, serves
 * {@code /v1/queues/...}, purges and dead-letters in the background and, with {@code --exec},
 * runs a command per item of one queue (drained first on SIGTERM).
 *
 * @param settings the work queue's settings
 */
public record WorkQueueModule(WorkQueueSettings settings) implements PatternModule {
    /** The name {@code run --patterns} knows the work queue by. */
    public static final String NAME = "workqueue";
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueModule.class);
    /** How often lapsed last attempts are dead-lettered and the queue-depth gauges refreshed. */
    private static final long HOUSEKEEPING_MS = 2_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        Backoff backoff = new Backoff(settings.backoffBase().toMillis(), settings.backoffMax().toMillis());
        QueueEngine engine = context.engine(QueueEngine.Opener.class, NAME).open(backoff);
        WorkQueueService service = new WorkQueueService(context.vertx(), engine, new WorkQueueMetrics(context.registry(), context.ticker()),
                new ReceiptCodec(engine.receiptKey()));
        service.startPurging(settings.dedupWindow().toMillis());
        service.startHousekeeping(HOUSEKEEPING_MS);
        RequestParser parser = new RequestParser(context.mapper(), settings.maxItemBytes(), settings.defaultMaxAttempts(),
                settings.dedupWindow().toMillis());
        Optional<ExecConsumer> exec = settings.exec().map(e -> startExec(e, service, context));
        return new Running(service, parser, exec);
    }

    private static ExecConsumer startExec(ExecSettings exec, WorkQueueService service, HostContext context) {
        ExecConsumer consumer = new ExecConsumer(service, exec, new ExecMetrics(context.registry(), exec.queue()),
                new CommandRunner(exec.killGrace()));
        consumer.start();
        // The program only: arguments may carry secrets.
        LOG.info("running {} for each item of queue {}, {} at a time, timeout {} ms", exec.command().get(0), exec.queue(),
                exec.concurrency(), exec.timeout().toMillis());
        return consumer;
    }

    /** The started work queue. */
    private record Running(WorkQueueService service, RequestParser parser, Optional<ExecConsumer> exec)
            implements RunningPattern {

        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            new WorkQueueRoutes(service, parser, responses).mount(router);
        }

        @Override
        public Future<Void> ping() {
            return service.ping();
        }

        /** The command runner stops claiming and waits for its running commands, killing and releasing those left. */
        @Override
        public void drainWork(Duration budget) {
            exec.ifPresent(e -> e.drain(budget));
        }

        @Override
        public Future<Void> drain() {
            return service.drain();
        }

        @Override
        public void close() {
            exec.ifPresent(ExecConsumer::close);
        }
    }
}
