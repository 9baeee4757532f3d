package io.patternkit.spring.autoconfigure;

import io.patternkit.core.internal.ApiTokens;
import io.patternkit.management.EndpointHost;
import io.patternkit.spring.web.ReactiveEndpointHost;
import io.patternkit.spring.web.ServletEndpointHost;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * An {@link EndpointHost} on the application's own web server, active in a Spring MVC or WebFlux application when the
 * SDK's management module is on the classpath (it comes with {@code patternkit-sdk-scatter}) and
 * {@code patternkit.web.enabled} is not false: the {@code @ScatterLeafHandler} leaves are then served there, under the
 * application's port, context path and TLS, instead of on a second server. The endpoints require the API token the
 * sidecars share ({@code patternkit.sidecar.api-token}, else {@code PATTERNKIT_API_TOKEN} or
 * {@code PATTERNKIT_API_TOKEN_FILE}) when one is set, as the management server does. A host bean of the application's
 * replaces this one.
 */
@AutoConfiguration
@ConditionalOnClass(EndpointHost.class)
@ConditionalOnProperty(prefix = "patternkit.web", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({PatternkitSidecarProperties.class, PatternkitWebProperties.class})
public class PatternkitWebAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public PatternkitWebAutoConfiguration() {
    }

    /** On Spring MVC. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class Servlet {
        @Bean
        @ConditionalOnMissingBean(EndpointHost.class)
        ServletEndpointHost patternkitServletEndpointHost(Environment environment, PatternkitSidecarProperties sidecar,
                PatternkitWebProperties web) {
            return new ServletEndpointHost(environment, token(sidecar, environment), maxBodyBytes(web),
                    web.getAdvertisedHost());
        }
    }

    /** On Spring WebFlux. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
    static class Reactive {
        @Bean
        @ConditionalOnMissingBean(EndpointHost.class)
        ReactiveEndpointHost patternkitReactiveEndpointHost(Environment environment, PatternkitSidecarProperties sidecar,
                PatternkitWebProperties web) {
            return new ReactiveEndpointHost(environment, token(sidecar, environment), maxBodyBytes(web),
                    web.getAdvertisedHost());
        }
    }

    private static String token(PatternkitSidecarProperties sidecar, Environment environment) {
        if (sidecar.getApiToken() != null) {
            return ApiTokens.validate(sidecar.getApiToken(), "patternkit.sidecar.api-token");
        }
        return ApiTokens.fromEnvironment(environment::getProperty).orElse(null);
    }

    private static int maxBodyBytes(PatternkitWebProperties web) {
        long bytes = web.getMaxBodySize() == null ? -1 : web.getMaxBodySize().toBytes();
        if (bytes < 1 || bytes > 64L * 1024 * 1024) {
            throw new InvalidConfigurationPropertyValueException("patternkit.web.max-body-size", web.getMaxBodySize(),
                    "must be 1B to 64MB");
        }
        return (int) bytes;
    }
}
