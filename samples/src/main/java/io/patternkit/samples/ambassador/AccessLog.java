package io.patternkit.samples.ambassador;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The term service's access log in the combined format, as a web server writes it, rolled over by
 * rename every so many lines as Logback's and Log4j's rolling appenders do: the file is closed,
 * renamed {@code NAME.1}, {@code NAME.2}, ... (kept, so that the demo can count every line ever
 * written) and a new file opened under the name. The adapter follows it across each rename.
 */
final class AccessLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private final Path file;
    private final int rotateEvery;
    private OutputStream out;
    private int lines;
    private int rotations;

    private AccessLog(Path file, int rotateEvery) throws IOException {
        this.file = file;
        this.rotateEvery = rotateEvery;
        this.out = open();
    }

    /**
     * @param file the log file, or {@code null} for no log
     * @param rotateEvery lines per file
     * @return the log; one that writes nothing when {@code file} is null
     * @throws IOException when the file cannot be opened
     */
    static AccessLog to(Path file, int rotateEvery) throws IOException {
        return file == null ? null : new AccessLog(file, rotateEvery);
    }

    /**
     * Writes one request's line, whole, in one write.
     *
     * @param target the request's path and query as sent
     * @param status the answer's status
     */
    synchronized void write(String target, int status) {
        String line = "127.0.0.1 - - [" + TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "] \"GET " + target + " HTTP/1.1\" " + status
                + " - \"-\" \"java-http-client\"\n";
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (++lines % rotateEvery == 0) {
                out.close();
                Files.move(file, file.resolveSibling(file.getFileName() + "." + ++rotations));
                out = open();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OutputStream open() throws IOException {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
