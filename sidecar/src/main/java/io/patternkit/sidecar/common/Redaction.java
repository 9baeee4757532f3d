package io.patternkit.sidecar.common;

import java.net.URI;

/**
 * The forms of URLs the sidecar writes into its log, its errors and its answers, without what may be a credential: a
 * URL's user info and query (a token in {@code ?token=}), a JDBC URL's properties and user. Used for the adapter's
 * checks of the app and for the engines' own JDBC URL.
 */
public final class Redaction {
    private Redaction() {
    }

    /**
     * @param url an http or https URL
     * @return its scheme, host, port and path
     */
    public static String url(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getRawPath();
    }

    /**
     * @param jdbcUrl a JDBC URL
     * @return it without its properties ({@code ?k=v} as PostgreSQL and MySQL write them, {@code ;k=v} as SQL Server
     *     and H2 do), and with {@code ...} for a user and password before an {@code @} ({@code //user:pass@host},
     *     Oracle's {@code scott/tiger@host})
     */
    public static String jdbcUrl(String jdbcUrl) {
        String shown = jdbcUrl;
        int properties = firstOf(shown, '?', ';');
        if (properties >= 0) {
            shown = shown.substring(0, properties) + shown.charAt(properties) + "...";
        }
        int at = shown.lastIndexOf('@');
        if (at >= 0) {
            int slashes = shown.indexOf("//");
            int userStarts = slashes >= 0 && slashes < at ? slashes + 2 : shown.lastIndexOf(':', at) + 1;
            shown = shown.substring(0, userStarts) + "..." + shown.substring(at);
        }
        return shown;
    }

    /**
     * A driver's or pool's error message with the JDBC URL it quotes redacted: pgjdbc, HikariCP and
     * {@code DriverManager} quote the whole URL in some errors ("No suitable driver found for ...", "Failed to get
     * driver instance for jdbcUrl=..."), a password in it included.
     *
     * @param message the message, or null
     * @param jdbcUrl the URL the message may quote; not null
     * @return the message with every occurrence of the URL replaced by {@link #jdbcUrl(String)}'s form (null for null)
     */
    public static String scrubbed(String message, String jdbcUrl) {
        return message == null || jdbcUrl.isEmpty() ? message : message.replace(jdbcUrl, jdbcUrl(jdbcUrl));
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
