package io.patternkit.management;

import io.patternkit.core.internal.JvmErrors;
import io.patternkit.protocol.ProblemType;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Somewhere {@link ManagementEndpoint}s are served over HTTP so that sidecars and orchestrators can call into the
 * application: the SDK's own {@link ManagementServer}, or the application's web server through an adapter (the
 * Spring Boot starter serves them on Spring MVC or WebFlux). A host matches paths exactly, reads a request's body
 * whole within its cap, refuses what {@link RequestBodies} refuses, checks the API token when one is configured, and
 * answers every error as an RFC 9457 problem document, so that an endpoint behaves the same on any host.
 *
 * <p>Implementations are thread-safe.
 */
public interface EndpointHost {
    /**
     * Serves a path. The path is matched exactly (no templates, no query); the endpoint sees every method.
     *
     * @param path an absolute path, such as {@code /patternkit/leaf/search}, without query or fragment
     * @param endpoint the endpoint; not null
     * @return the mount; closing it stops serving the path (404 from then on)
     * @throws IllegalStateException when the path is already mounted
     * @throws IllegalArgumentException when the path does not start with {@code /} or holds a query or fragment
     */
    Mount mount(String path, ManagementEndpoint endpoint);

    /**
     * @return the URL others use to reach this host, {@code scheme://host:port} plus the path every mounted path is
     *     relative to (a servlet context path, for example), without a trailing slash; a mounted path appended to it is
     *     the endpoint's URL
     * @throws IllegalStateException when the host is not serving yet
     */
    URI baseUrl();

    /** @return true while the host serves requests */
    boolean isRunning();

    /**
     * The address to advertise for a server bound to {@code bindHost}: the bind address itself, or for a wildcard bind
     * ({@code 0.0.0.0}, {@code ::}) this machine's address (in Kubernetes the pod's), {@code 127.0.0.1} when it has
     * none.
     *
     * @param bindHost the address a server binds; not null
     * @return the host name or address to put in the URL others call
     */
    static String advertisedHostFor(String bindHost) {
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::") && !bindHost.equals("[::]")) {
            return bindHost;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /**
     * Checks a path to mount, as every host does.
     *
     * @param path the path
     * @return the path
     * @throws NullPointerException when it is null
     * @throws IllegalArgumentException when it does not start with {@code /} or holds a query or fragment
     */
    static String requireMountPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must be absolute, without query or fragment, got '" + path + "'");
        }
        return path;
    }

    /**
     * Calls an endpoint as every host does: a failure (an exception, or a null answer) is logged at WARN and answered
     * 500 {@code internal} naming only the exception's class, a {@link StackOverflowError} (a handler recursing on its
     * input; its stack has unwound) included; any other {@link VirtualMachineError} is rethrown.
     *
     * @param endpoint the endpoint
     * @param request the request, its body read and checked
     * @return the endpoint's answer, or the 500 problem
     */
    static ManagementResponse answer(ManagementEndpoint endpoint, ManagementRequest request) {
        try {
            ManagementResponse answer = endpoint.handle(request);
            if (answer == null) {
                throw new IllegalStateException("the endpoint returned null");
            }
            return answer;
        } catch (Exception | Error e) {
            JvmErrors.rethrowIfFatal(e);
            LoggerFactory.getLogger(EndpointHost.class).warn("management endpoint {} {} failed", request.method(),
                    request.path(), e);
            return ManagementResponse.problem(ProblemType.INTERNAL, "the endpoint failed with " + e.getClass().getName());
        }
    }

    /** A mounted endpoint; {@link #close()} unmounts it. */
    @FunctionalInterface
    interface Mount extends AutoCloseable {
        /** Stops serving the path; requests in progress finish. Idempotent. */
        @Override
        void close();
    }
}
