package io.patternkit.management;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The upward API's configuration ({@code GET /patternkit/config}): the Patternkit settings this process runs
 * with, as the single-container management pattern asks, with secrets redacted. It lists every environment
 * variable whose name starts with {@code PATTERNKIT_} and every system property whose name starts with
 * {@code patternkit.} (where the SDK's clients, the management server and the samples read their settings),
 * sorted by name.
 *
 * <p>Redaction follows Spring Boot's {@code SanitizingFunction} defaults: the value of a setting whose name
 * contains {@code TOKEN}, {@code PASSWORD}, {@code PASSWD}, {@code SECRET}, {@code CREDENTIAL}, {@code KEY}
 * or {@code AUTH} (in any case) is {@value #REDACTED}; in every other value, the password of a URI's user
 * information ({@code postgresql://user:pw@host}) and a {@code password=} parameter are. What is redacted
 * is decided by the name, so a secret under an innocent name is shown: keep secrets in settings so named.
 * Needs the server's token when it has one; answers {@code application/json}; other methods 405.
 */
public final class ConfigEndpoint implements ManagementEndpoint {
    /** The path it is mounted on by {@link #mount}. */
    public static final String PATH = "/patternkit/config";
    /** What a redacted value reads. */
    public static final String REDACTED = "******";

    private static final String ENV_PREFIX = "PATTERNKIT_";
    private static final String PROPERTY_PREFIX = "patternkit.";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|password|passwd|secret|credential|key|auth).*");
    /**
     * A URI's user information up to its password: the user may be empty or hold an unescaped {@code @}, the password
     * too (the user ends at the first {@code :}, the password at the last {@code @} before the path).
     */
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/?#\\s]*?:)[^/?#\\s]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");

    private final Supplier<Map<String, String>> environment;
    private final Supplier<Properties> properties;

    ConfigEndpoint(Supplier<Map<String, String>> environment, Supplier<Properties> properties) {
        this.environment = environment;
        this.properties = properties;
    }

    /**
     * Mounts the endpoint at {@link #PATH}, reading the process's environment and system properties at each
     * request.
     *
     * @param server the application's management server; not null
     * @return the mount
     * @throws IllegalStateException when the path is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server) {
        Objects.requireNonNull(server, "server");
        return server.mount(PATH, new ConfigEndpoint(System::getenv, System::getProperties));
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        Optional<ManagementResponse> refused = Requests.onlyGet(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        Map<String, String> env = new TreeMap<>();
        environment.get().forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                env.put(name, redact(name, value));
            }
        });
        Map<String, String> props = new TreeMap<>();
        properties.get().forEach((name, value) -> {
            if (name instanceof String n && value instanceof String v && n.startsWith(PROPERTY_PREFIX)) {
                props.put(n, redact(n, v));
            }
        });
        return ManagementResponse.jsonOf(200, Map.of("environment", env, "systemProperties", props));
    }

    /**
     * @param name a setting's name
     * @param value its value
     * @return {@value #REDACTED} for a secret's name, else the value with any URI password or
     *     {@code password=} parameter redacted
     */
    static String redact(String name, String value) {
        if (SECRET_NAME.matcher(name).matches()) {
            return REDACTED;
        }
        String noUriPassword = URI_PASSWORD.matcher(value).replaceAll("$1" + REDACTED + "@");
        return PASSWORD_PARAMETER.matcher(noUriPassword).replaceAll("$1" + REDACTED);
    }
}
