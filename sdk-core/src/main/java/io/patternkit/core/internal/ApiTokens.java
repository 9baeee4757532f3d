package io.patternkit.core.internal;

import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The SDK's API-token rules, in one place for the client side ({@code SidecarConfig}) and the server
 * side ({@code ManagementServer}): discovery from {@link Wire#ENV_API_TOKEN} or else the file named by
 * {@link Wire#ENV_API_TOKEN_FILE}, validation, and the constant-time comparison of a bearer header.
 * For the Patternkit SDK modules only.
 */
public final class ApiTokens {
    private static final String BEARER = "Bearer ";

    private ApiTokens() {
    }

    /**
     * Discovers the token from the environment.
     *
     * @param environment maps a variable name to its value, or to null when unset
     * @return the token, or empty when neither variable is set (blank counts as unset)
     * @throws IllegalArgumentException when a token is malformed or the token file cannot be read
     */
    public static Optional<String> fromEnvironment(Function<String, String> environment) {
        String token = env(environment, Wire.ENV_API_TOKEN);
        if (token != null) {
            return Optional.of(validate(token, Wire.ENV_API_TOKEN));
        }
        String file = env(environment, Wire.ENV_API_TOKEN_FILE);
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(validate(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip(),
                    Wire.ENV_API_TOKEN_FILE + " (" + file + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException(Wire.ENV_API_TOKEN_FILE + " names '" + file
                    + "', which cannot be read: " + e + "; fix the path or unset the variable", e);
        }
    }

    /**
     * Checks a token: not blank, no control characters (it travels in an HTTP header).
     *
     * @param token the token
     * @param what names the setting in the error message
     * @return the token
     * @throws IllegalArgumentException when malformed
     */
    public static String validate(String token, String what) {
        if (token.isBlank() || token.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(what + " must be a non-blank token without control characters");
        }
        return token;
    }

    /**
     * Compares an {@code Authorization} header with the expected token in constant time
     * ({@link MessageDigest#isEqual}); the scheme is case-insensitive.
     *
     * @param expected the token's UTF-8 bytes
     * @param authorization the header value, or null
     * @return true when the header is {@code Bearer <expected>}
     */
    public static boolean matches(byte[] expected, String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && MessageDigest.isEqual(expected,
                        authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static String env(Function<String, String> environment, String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
