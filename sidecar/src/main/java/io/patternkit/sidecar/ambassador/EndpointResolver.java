package io.patternkit.sidecar.ambassador;

import io.patternkit.sidecar.common.JvmDns;
import io.patternkit.sidecar.host.InstanceDirectory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upstream's named endpoints into the endpoints they stand for now. A
 * {@code dns+http://NAME:PORT/PATH} stands for one endpoint per address the name resolves to
 * ({@code http://ADDRESS:PORT/PATH}), as Thanos and Prometheus resolve {@code dns+} targets: the
 * pods of a Kubernetes headless Service; a name that does not resolve keeps the addresses it had
 * last (and none if it never resolved), so a DNS hiccup does not empty a shard. A
 * {@code registry://POOL[/SHARD]} stands for the instances registered with this sidecar's scatter
 * pattern in that pool (and shard), read through the host's {@link InstanceDirectory}: each
 * registered URL's scheme, host and port (its path is the leaf call's, not the service's).
 * Blocking; called on worker threads, one upstream at a time.
 */
final class EndpointResolver {
    /** The scheme of endpoints from the sidecar's registry of instances. */
    static final String REGISTRY = "registry";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointResolver.class);
    private final Map<String, List<InetAddress>> lastKnown = new HashMap<>();
    private final InstanceDirectory directory;
    private boolean warnedUnpublished;

    /** @param directory the instances the sidecar's patterns publish */
    EndpointResolver(InstanceDirectory directory) {
        this.directory = directory;
    }

    /**
     * @param endpoint a configured endpoint
     * @return whether it is a name, resolved again every refresh: {@code dns+} or {@code registry}
     */
    static boolean isName(URI endpoint) {
        return isDns(endpoint) || endpoint.getScheme().toLowerCase(Locale.ROOT).equals(REGISTRY);
    }

    /**
     * @param endpoint a configured endpoint
     * @return whether it is a {@code dns+} name
     */
    static boolean isDns(URI endpoint) {
        return endpoint.getScheme().toLowerCase(Locale.ROOT).startsWith("dns+");
    }

    /**
     * Resolves every {@code dns+} endpoint of an upstream.
     *
     * @param spec the upstream
     * @return each {@code dns+} endpoint with the endpoints it stands for now, possibly none
     */
    synchronized Map<URI, List<URI>> resolve(UpstreamSpec spec) {
        Map<URI, List<URI>> expansions = new LinkedHashMap<>();
        spec.allShards().stream().flatMap(s -> s.endpoints().stream()).filter(EndpointResolver::isName).distinct()
                .forEach(name -> expansions.put(name, isDns(name) ? expand(name, addresses(name.getHost())) : registered(name)));
        return expansions;
    }

    /**
     * @param name a {@code registry://POOL[/SHARD]} endpoint
     * @return its shard, or empty for every shard of the pool
     */
    static Optional<String> registryShard(URI name) {
        String path = name.getRawPath() == null ? "" : name.getRawPath();
        return path.isEmpty() ? Optional.empty() : Optional.of(path.substring(1));
    }

    private List<URI> registered(URI name) {
        Optional<String> shard = registryShard(name);
        Optional<SortedMap<String, List<URI>>> found = directory.instances(name.getAuthority());
        if (found.isEmpty()) {
            if (!warnedUnpublished) {
                warnedUnpublished = true;
                LOG.warn("ambassador: {} stands for no endpoint: no pattern of this sidecar publishes instances (run the scatter"
                        + " pattern beside the ambassador: run --patterns ambassador,scatter)", name);
            }
            return List.of();
        }
        return found.get().entrySet().stream().filter(e -> shard.map(e.getKey()::equals).orElse(true))
                .flatMap(e -> e.getValue().stream())
                .map(url -> URI.create(url.getScheme() + "://" + url.getRawAuthority()))
                .distinct().sorted().toList();
    }

    private List<InetAddress> addresses(String host) {
        try {
            List<InetAddress> found = JvmDns.resolve(host);
            lastKnown.put(host, found);
            return found;
        } catch (UnknownHostException e) {
            List<InetAddress> kept = lastKnown.getOrDefault(host, List.of());
            LOG.warn("ambassador: {} does not resolve now; keeping the {} address(es) it had", host, kept.size());
            return kept;
        }
    }

    private static List<URI> expand(URI name, List<InetAddress> addresses) {
        String scheme = name.getScheme().toLowerCase(Locale.ROOT).substring("dns+".length());
        int port = name.getPort() > 0 ? name.getPort() : scheme.equals("https") ? 443 : 80;
        String path = name.getRawPath() == null ? "" : name.getRawPath();
        List<URI> endpoints = new ArrayList<>();
        for (InetAddress address : addresses) {
            // Over TLS the address is verified as the name it was found by, carried in the fragment (Origin reads it).
            endpoints.add(URI.create(scheme + "://" + JvmDns.urlHost(address) + ":" + port + path
                    + (scheme.equals("https") ? "#" + name.getHost() : "")));
        }
        endpoints.sort(null); // DNS servers rotate their answers; the same set is the same endpoints
        return endpoints;
    }
}
