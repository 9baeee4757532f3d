package io.patternkit.spring.leader;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Starts the {@link LeaderOnly} beans when leadership is granted and stops them, in reverse order, when it is
 * revoked. Checks at start-up that each is a {@link Lifecycle} that the context does not start by itself.
 *
 * <p>Order among the listeners of the events: the beans stop before any other listener hears of a revocation (one
 * that throws would keep the rest from hearing it), and start right after the checkpoints are restored
 * ({@link LeadershipCheckpoints}), before the application's own listeners hear of the grant.
 */
public final class LeaderOnlyController implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(LeaderOnlyController.class);
    private final ApplicationContext context;
    private List<Map.Entry<String, Lifecycle>> beans = List.of();

    /** @param context the application context whose {@link LeaderOnly} beans this runs; not null */
    public LeaderOnlyController(ApplicationContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public void afterSingletonsInstantiated() {
        beans = context.getBeansWithAnnotation(LeaderOnly.class).entrySet().stream().map(e -> {
            if (!(e.getValue() instanceof Lifecycle lifecycle)) {
                throw new IllegalStateException("@LeaderOnly bean '" + e.getKey() + "' must implement"
                        + " org.springframework.context.Lifecycle, to be started on leadership and stopped on its loss");
            }
            if (lifecycle instanceof SmartLifecycle smart && smart.isAutoStartup()) {
                throw new IllegalStateException("@LeaderOnly bean '" + e.getKey() + "' is a SmartLifecycle with"
                        + " isAutoStartup() true, so the context would start it on every instance; return false");
            }
            return Map.entry(e.getKey(), lifecycle);
        }).toList();
    }

    /** @return the names of the {@link LeaderOnly} beans, in start order */
    public List<String> beanNames() {
        return beans.stream().map(Map.Entry::getKey).toList();
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    void granted(LeadershipGrantedEvent event) {
        for (Map.Entry<String, Lifecycle> bean : beans) {
            if (!bean.getValue().isRunning()) {
                log.info("Leading {} (token {}): starting @LeaderOnly bean {}", event.election(), event.fencingToken(),
                        bean.getKey());
                bean.getValue().start();
            }
        }
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void revoked(LeadershipRevokedEvent event) {
        for (int i = beans.size() - 1; i >= 0; i--) {
            Map.Entry<String, Lifecycle> bean = beans.get(i);
            if (bean.getValue().isRunning()) {
                log.info("No longer leading {} ({}): stopping @LeaderOnly bean {}", event.election(), event.reason(),
                        bean.getKey());
                try {
                    bean.getValue().stop();
                } catch (RuntimeException e) {
                    log.warn("@LeaderOnly bean {} failed to stop", bean.getKey(), e);
                }
            }
        }
    }
}
