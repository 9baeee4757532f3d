package io.patternkit.spring;

import java.util.function.Consumer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies a bound property to an SDK builder, whose checks then fail the start-up naming the property: Spring Boot's
 * {@link InvalidConfigurationPropertyValueException}, which its failure analysis reports with the property and the
 * value. For the starter's own configuration.
 */
public final class Settings {
    private Settings() {
    }

    /**
     * @param property the property's name, as the user writes it
     * @param value its bound value; null leaves the builder's default
     * @param setter the builder's setter, which throws {@link IllegalArgumentException} for a bad value
     * @param <T> the value's type
     * @throws InvalidConfigurationPropertyValueException when the setter refuses the value
     */
    public static <T> void set(String property, T value, Consumer<T> setter) {
        set(property, value, false, setter);
    }

    /**
     * {@link #set} for a secret: the failure names the property but never shows the value or the SDK's reason.
     *
     * @param property the property's name, as the user writes it
     * @param value its bound value; null leaves the builder's default
     * @param setter the builder's setter, which throws {@link IllegalArgumentException} for a bad value
     * @throws InvalidConfigurationPropertyValueException when the setter refuses the value, its value redacted
     */
    public static void setSecret(String property, String value, Consumer<String> setter) {
        set(property, value, true, setter);
    }

    private static <T> void set(String property, T value, boolean secret, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw secret ? new InvalidConfigurationPropertyValueException(property, "<redacted>", "not a valid token")
                    : new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }
}
