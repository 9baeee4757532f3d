package io.patternkit.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementEndpoint;
import io.patternkit.spring.autoconfigure.PatternkitWebAutoConfiguration;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

class PatternkitWebAutoConfigurationTest {
    private static final AutoConfigurations CONFIGURATION = AutoConfigurations.of(PatternkitWebAutoConfiguration.class);

    @Test
    void aServletApplicationGetsTheMvcHostAReactiveOneTheWebFluxHostAndOneWithoutAWebServerNone() {
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION).run(context -> {
            assertThat(context).hasSingleBean(ServletEndpointHost.class).doesNotHaveBean(ReactiveEndpointHost.class);
            assertThat(context.getBean(EndpointHost.class).isRunning()).isFalse(); // no server has started
        });
        new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATION).run(context -> assertThat(context)
                .hasSingleBean(ReactiveEndpointHost.class).doesNotHaveBean(ServletEndpointHost.class));
        new ApplicationContextRunner().withConfiguration(CONFIGURATION).run(context -> assertThat(context)
                .doesNotHaveBean(EndpointHost.class));
    }

    @Test
    void switchedOffOrWithoutTheManagementModuleThereIsNoHost() {
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION).withPropertyValues("patternkit.web.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(EndpointHost.class));
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION)
                .withClassLoader(new FilteredClassLoader(EndpointHost.class))
                .run(context -> assertThat(context).doesNotHaveBean(EndpointHost.class));
    }

    @Test
    void anApplicationsOwnHostWins() {
        EndpointHost own = new EndpointHost() {
            @Override
            public Mount mount(String path, ManagementEndpoint endpoint) {
                return () -> { };
            }

            @Override
            public URI baseUrl() {
                return URI.create("http://own:1");
            }

            @Override
            public boolean isRunning() {
                return true;
            }
        };
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION).withBean(EndpointHost.class, () -> own)
                .run(context -> assertThat(context.getBean(EndpointHost.class)).isSameAs(own));
    }

    @Test
    void badSettingsFailTheStartNamingTheProperty() {
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION).withPropertyValues("patternkit.web.max-body-size=0B")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("patternkit.web.max-body-size"));
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION).withPropertyValues("patternkit.web.max-body-size=lots")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("patternkit.web.max-body-size"));
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION)
                .withPropertyValues("patternkit.sidecar.api-token=bad\ttoken")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("patternkit.sidecar.api-token"));
    }

    @Test
    void theUrlFollowsTheServersAddressPortTlsAndContextPath() {
        new WebApplicationContextRunner().withConfiguration(CONFIGURATION)
                .withPropertyValues("local.server.port=8443", "server.address=10.1.2.3", "server.ssl.bundle=web",
                        "server.servlet.context-path=/shop/")
                .run(context -> assertThat(context.getBean(EndpointHost.class).baseUrl())
                        .isEqualTo(URI.create("https://10.1.2.3:8443/shop")));
        new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATION)
                .withPropertyValues("local.server.port=8080", "patternkit.web.advertised-host=orders-0.orders",
                        "server.ssl.bundle=web", "server.ssl.enabled=false")
                .run(context -> assertThat(context.getBean(EndpointHost.class).baseUrl())
                        .isEqualTo(URI.create("http://orders-0.orders:8080")));
    }
}
