package io.patternkit.sidecar.ambassador;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.patternkit.sidecar.common.DurationConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.TypeConversionException;

/**
 * The ambassador's upstreams, as {@code --ambassador-config FILE} holds them (JSON,
 * {@code {"upstreams": [ ... ]}}, each element an {@link UpstreamSpec}; durations written like the
 * command line's, {@code 500ms} or {@code 2s}) together with those of {@code --upstream}. Unknown
 * members are errors, so that a misspelt setting is not silently left at its default.
 *
 * @param upstreams the upstreams, with unique names and ports
 */
public record AmbassadorConfig(List<UpstreamSpec> upstreams) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new SimpleModule("patternkit-durations").addDeserializer(Duration.class, new DurationReader()));

    /**
     * Checks that names and ports are unique.
     *
     * @throws IllegalArgumentException when two upstreams share a name or a port
     */
    @JsonCreator
    public AmbassadorConfig(@JsonProperty(value = "upstreams", required = true) List<UpstreamSpec> upstreams) {
        this.upstreams = List.copyOf(upstreams);
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (UpstreamSpec upstream : this.upstreams) {
            if (!names.add(upstream.name())) {
                throw new IllegalArgumentException("two upstreams are named " + upstream.name());
            }
            if (!ports.add(upstream.port())) {
                throw new IllegalArgumentException("two upstreams listen on port " + upstream.port());
            }
        }
    }

    /**
     * Reads a config file and adds the upstreams given on the command line.
     *
     * @param file the JSON file, or null for none
     * @param more the upstreams of {@code --upstream}
     * @return the config
     * @throws IllegalArgumentException when the file cannot be read or is invalid, naming the file and the member
     */
    public static AmbassadorConfig load(Path file, List<UpstreamSpec> more) {
        List<UpstreamSpec> all = new ArrayList<>(more);
        if (file != null) {
            try {
                all.addAll(JSON.readValue(Files.readAllBytes(file), AmbassadorConfig.class).upstreams());
            } catch (JsonMappingException e) {
                if (e.getCause() instanceof JsonProcessingException syntax) {
                    throw notJson(file, syntax);
                }
                throw new IllegalArgumentException(file + ": " + describe(e), e);
            } catch (JsonProcessingException e) {
                throw notJson(file, e);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return new AmbassadorConfig(all);
    }

    private static IllegalArgumentException notJson(Path file, JsonProcessingException e) {
        String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new IllegalArgumentException(file + " is not JSON" + at + ": " + e.getOriginalMessage(), e);
    }

    /** @return the failing member's path and the reason, without Jackson's class names */
    private static String describe(JsonMappingException e) {
        Throwable cause = e.getCause();
        String reason;
        if (e instanceof UnrecognizedPropertyException unknown) {
            reason = "unknown setting; known: " + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
        } else if (cause instanceof IllegalArgumentException || cause instanceof TypeConversionException) {
            reason = cause.getMessage();
        } else {
            reason = e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "");
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return (path.isEmpty() ? "" : path.substring(path.charAt(0) == '.' ? 1 : 0) + ": ") + reason;
    }

    /** Durations as the command line writes them. */
    private static final class DurationReader extends JsonDeserializer<Duration> {
        private final DurationConverter converter = new DurationConverter();

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return converter.convert(parser.getValueAsString(""));
        }
    }
}
