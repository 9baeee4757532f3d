package io.patternkit.sidecar.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a pattern's JSON config file (the ambassador's upstreams, the adapter's checks) strictly:
 * unknown members, trailing tokens and nulls for numbers are errors, so that a misspelt setting is
 * refused rather than left at its default; durations are written as on the command line
 * ({@code 500ms}, {@code 2s}). Errors name the file, the member's path and the reason, without
 * Jackson's class names.
 */
public final class ConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new SimpleModule("patternkit-durations").addDeserializer(Duration.class, new DurationReader()));

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
