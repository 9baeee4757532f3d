package io.patternkit.sidecar.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Reads a pattern's JSON config file (the ambassador's upstreams, the adapter's checks) strictly:
 * unknown members, trailing tokens and nulls for numbers are errors, so that a misspelt setting is
 * refused rather than left at its default; durations are written as on the command line
 * ({@code 500ms}, {@code 2s}). Errors name the file, the member's path and the reason, without
 * Jackson's class names.
 */
public final class ConfigFile {
    private static final JsonMapper JSON = JsonMappers.oneDocument(JsonMappers.standard()).rebuild()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("patternkit-durations").addDeserializer(Duration.class, new DurationReader()))
            .build();

    private ConfigFile() {
    }

    /**
     * Reads a file into a type whose creators check their members.
     *
     * @param file the JSON file
     * @param type the type
     * @param <T> the type
     * @return the value
     * @throws IllegalArgumentException when the file cannot be read, is not JSON or is invalid, naming
     *     the file, the member and the reason
     */
    public static <T> T read(Path file, Class<T> type) {
        try {
            return JSON.readValue(Files.readAllBytes(file), type);
        } catch (DatabindException e) {
            if (e.getCause() instanceof JacksonException syntax) {
                throw notJson(file, syntax);
            }
            throw new IllegalArgumentException(file + ": " + describe(e), e);
        } catch (JacksonException e) {
            throw notJson(file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException notJson(Path file, JacksonException e) {
        String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new IllegalArgumentException(file + " is not JSON" + at + ": " + e.getOriginalMessage(), e);
    }

    /** @return the failing member's path and the reason, without Jackson's class names */
    private static String describe(DatabindException e) {
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
        for (JacksonException.Reference ref : e.getPath()) {
            path.append(ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]");
        }
        return (path.isEmpty() ? "" : path.substring(path.charAt(0) == '.' ? 1 : 0) + ": ") + reason;
    }

    /** Durations as the command line writes them. */
    private static final class DurationReader extends ValueDeserializer<Duration> {
        private final DurationConverter converter = new DurationConverter();

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) {
            return converter.convert(parser.getValueAsString(""));
        }
    }
}
