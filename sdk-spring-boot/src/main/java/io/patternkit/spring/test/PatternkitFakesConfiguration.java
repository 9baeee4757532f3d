package io.patternkit.spring.test;

import io.patternkit.scatter.LeafHandler;
import io.patternkit.spring.leader.LeadershipCustomizer;
import io.patternkit.spring.scatter.LeafTarget;
import io.patternkit.testing.InMemoryCheckpointStore;
import io.patternkit.testing.InMemoryLeaderElection;
import io.patternkit.testing.InMemoryScatter;
import io.patternkit.testing.InMemoryWorkQueues;
import io.patternkit.testing.ManualClock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans of {@link EnablePatternkitFakes}: a {@link ManualClock}, and a fake for each pattern whose SDK module is
 * on the classpath. Each backs off to one the test declares itself.
 */
@Configuration(proxyBeanMethods = false)
public class PatternkitFakesConfiguration {
    /** Spring creates it. */
    public PatternkitFakesConfiguration() {
    }

    /** @return the clock every fake reads, starting at {@link ManualClock#DEFAULT_START} */
    @Bean
    @ConditionalOnMissingBean
    public ManualClock patternkitManualClock() {
        return new ManualClock();
    }

    /**
     * @param clock the fakes' clock, for the checkpoints' times
     * @return the checkpoints in memory, under the {@code @PatternkitCheckpoint} and {@code @PatternkitRestore} hooks
     */
    @Bean
    @ConditionalOnMissingBean(io.patternkit.lifecycle.CheckpointStore.class)
    public InMemoryCheckpointStore inMemoryCheckpointStore(ManualClock clock) {
        return new InMemoryCheckpointStore(clock);
    }

    /** The work-queue fake. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.patternkit.workqueue.WorkQueues")
    static class WorkQueueFakes {
        @Bean
        @ConditionalOnMissingBean
        InMemoryWorkQueues inMemoryWorkQueues(ManualClock clock) {
            return InMemoryWorkQueues.create(clock);
        }
    }

    /** The scatter/gather fake, whose leaves are the application's {@code @ScatterLeafHandler} methods. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.patternkit.scatter.ScatterGather")
    static class ScatterFakes {
        @Bean
        @ConditionalOnMissingBean
        InMemoryScatter inMemoryScatter() {
            return new InMemoryScatter();
        }

        @Bean
        @ConditionalOnMissingBean
        LeafTarget inMemoryLeafTarget(InMemoryScatter scatter) {
            return new LeafTarget() {
                @Override
                public AutoCloseable serve(String pool, String shard, Class<Object> requestType, LeafHandler<Object, Object> handler) {
                    scatter.leaf(pool, shard, requestType, handler);
                    return () -> { }; // the fake lives as long as the context
                }

                @Override
                public String toString() {
                    return "the in-memory scatter";
                }
            };
        }
    }

    /** The leader-election fake. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.patternkit.leader.LeaderElection")
    static class LeaderElectionFakes {
        @Bean
        @ConditionalOnMissingBean
        InMemoryLeaderElection inMemoryLeaderElection(ManualClock clock) {
            return InMemoryLeaderElection.builder().clock(clock).build();
        }

        /** The leadership's renew times, deadline and backoffs on the same clock as the fake's leases. */
        @Bean
        LeadershipCustomizer patternkitManualClockLeadership(ManualClock clock) {
            return builder -> builder.clock(clock);
        }
    }
}
