package io.patternkit.sidecar.host;

import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Reads the shared API token from the environment. */
public final class ApiToken {
    private ApiToken() {
    }

    /**
     * Finds the token: {@code PATTERNKIT_API_TOKEN} when set and not blank, else the trimmed content
     * of the file named by {@code PATTERNKIT_API_TOKEN_FILE} (a Kubernetes Secret volume).
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the token, or empty when neither variable is set (no authentication)
     * @throws UncheckedIOException when the token file cannot be read
     * @throws IllegalArgumentException when the token file is empty
     */
    public static Optional<String> fromEnvironment(Map<String, String> env) {
        String token = env.get(Wire.ENV_API_TOKEN);
        if (token != null && !token.isBlank()) {
            return Optional.of(token.trim());
        }
        String file = env.get(Wire.ENV_API_TOKEN_FILE);
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (content.isEmpty()) {
                throw new IllegalArgumentException(Wire.ENV_API_TOKEN_FILE + " names an empty file");
            }
            return Optional.of(content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Wire.ENV_API_TOKEN_FILE, e);
        }
    }
}
