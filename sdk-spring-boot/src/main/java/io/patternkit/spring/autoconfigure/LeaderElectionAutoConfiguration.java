package io.patternkit.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.Wire;
import io.patternkit.spring.Settings;
import io.patternkit.spring.SidecarConfigCustomizer;
import io.patternkit.spring.leader.LeaderOnlyController;
import io.patternkit.spring.leader.LeadershipCheckpoints;
import io.patternkit.spring.leader.LeadershipCustomizer;
import io.patternkit.spring.leader.LeadershipEventPublisher;
import io.patternkit.spring.leader.LeadershipRunner;
import io.patternkit.spring.leader.LeadershipStatus;
import io.patternkit.spring.lifecycle.CheckpointFence;
import io.patternkit.spring.lifecycle.CheckpointHooks;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Leader election in a Spring application, active when {@code patternkit-sdk-leader} is on the classpath: a
 * {@link LeaderElectionClient} from {@code patternkit.sidecar.*} and {@code patternkit.leader.url}; and, when
 * {@code patternkit.leader.election} is set, a {@link Leadership} in that election that the context starts and
 * stops, whose grants and revocations are published as application events, and which starts the
 * {@link io.patternkit.spring.leader.LeaderOnly} beans while it leads. Other beans ask it
 * {@link Leadership#isLeader()} and {@link Leadership#fencingToken()}. Each bean backs off to one of the
 * application's own; a {@link LeaderElection} bean of the application's (such as the in-memory fake of
 * {@code patternkit-sdk-testing}) replaces the client.
 */
@AutoConfiguration(after = PatternkitLifecycleAutoConfiguration.class)
@ConditionalOnClass(Leadership.class)
@EnableConfigurationProperties({PatternkitSidecarProperties.class, LeaderElectionProperties.class})
public class LeaderElectionAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public LeaderElectionAutoConfiguration() {
    }

    /**
     * @param sidecar the shared {@code patternkit.sidecar.*} settings (token, timeouts, retries)
     * @param properties this pattern's {@code patternkit.<pattern>.*} settings, its URL among them
     * @param environment the environment, for the {@code PATTERNKIT_*} variables when no URL is set
     * @param meterRegistry the registry of the client's meters, when the application has one
     * @param observationRegistry the registry of the client's observations, when the application has one
     * @param customizers the application's changes to the client's configuration, applied in order
     * @return the client of the leader-election sidecar
     */
    @Bean
    @ConditionalOnMissingBean(LeaderElection.class)
    public LeaderElectionClient leaderElectionClient(PatternkitSidecarProperties sidecar,
            LeaderElectionProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<SidecarConfigCustomizer> customizers) {
        return LeaderElectionClient.create(SidecarConfigs.create("leader", "patternkit.leader.url",
                properties.getUrl(), Wire.ENV_LEADER_URL, Wire.DEFAULT_LEADER_PORT, sidecar, environment,
                meterRegistry, observationRegistry, customizers));
    }

    /**
     * @param election the application's leader election
     * @param leadership its leadership, when it campaigns
     * @return leader election's part of the Patternkit status (Actuator)
     */
    @Bean
    @ConditionalOnMissingBean
    public LeadershipStatus leadershipStatus(LeaderElection election, ObjectProvider<Leadership> leadership) {
        return new LeadershipStatus(election, leadership.getIfAvailable());
    }

    /** The application's election, when {@code patternkit.leader.election} names one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "patternkit.leader", name = "election")
    static class Campaign {
        @Bean
        @ConditionalOnMissingBean
        LeadershipEventPublisher leadershipEventPublisher(ApplicationEventPublisher publisher) {
            return new LeadershipEventPublisher(publisher);
        }

        @Bean
        @ConditionalOnMissingBean
        Leadership leadership(LeaderElection election, LeaderElectionProperties properties,
                LeadershipEventPublisher events, ObjectProvider<MeterRegistry> meterRegistry,
                ObjectProvider<Lifecycle> lifecycle, ObjectProvider<LeadershipCustomizer> customizers) {
            Leadership.Builder builder = Leadership.builder(election);
            Settings.set("patternkit.leader.election", properties.getElection(), builder::election);
            Settings.set("patternkit.leader.candidate-id", properties.getCandidateId(), builder::candidateId);
            meterRegistry.ifAvailable(builder::meterRegistry);
            lifecycle.ifAvailable(builder::lifecycle);
            customizers.orderedStream().forEach(c -> c.customize(builder));
            // Last: the events carry the checkpoint restore and the @LeaderOnly beans, which no customizer may drop.
            Leadership leadership = builder.listener(events).build();
            events.source(leadership);
            return leadership;
        }

        @Bean
        @ConditionalOnMissingBean
        LeadershipRunner leadershipRunner(Leadership leadership) {
            return new LeadershipRunner(leadership);
        }

        @Bean
        @ConditionalOnMissingBean
        LeaderOnlyController leaderOnlyController(ApplicationContext context) {
            return new LeaderOnlyController(context);
        }

        @Bean
        @ConditionalOnMissingBean(CheckpointFence.class)
        LeadershipCheckpoints leadershipCheckpoints(Leadership leadership, ObjectProvider<CheckpointHooks> hooks) {
            return new LeadershipCheckpoints(leadership, hooks);
        }
    }
}
