package io.patternkit.sidecar.adapter.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Follows one log file as {@code tail -F} does, by polling: it reads what was appended since the
 * last poll; when the name points to another file (rotation by rename, as logrotate's
 * {@code create} and Logback's rolling do; told by the file's identity, its inode on Linux) it
 * keeps reading the old file for {@code rotateWait} (and until it has read all of it), because the app
 * writes to it until it reopens,
 * so a line the app was in the middle of when the file was renamed is read whole, and reads the
 * new file from its start; when the file shrinks under the read position (logrotate's
 * {@code copytruncate}) it reads again from the start. Not thread-safe: one thread polls it.
 *
 * <p>Apache Commons IO's {@code Tailer} was the library to use; it tells a rotation only by the new
 * file being shorter than the old read position, drops the line the app had half written at the
 * rotation, and stops reading the old file at once, which loses the lines the app writes before it
 * reopens. Those three are what a log adapter must not lose, hence this class.
 */
final class FileFollower implements AutoCloseable {
    /** What happened to the file, for the metrics. */
    enum Rotation {
        /** Another file took the name. */
        RENAMED,
        /** The file was cut short in place. */
        TRUNCATED
    }

    private static final int READ_CAP_PER_POLL = 4 * 1024 * 1024;

    private final Path path;
    private final boolean fromStart;
    private final long rotateWaitNanos;
    private final LongSupplier nanoTime;
    private final Supplier<LineSplitter> splitters;
    private final Consumer<Rotation> rotations;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final List<OpenFile> rotated = new ArrayList<>();
    private OpenFile current;
    private boolean firstLook = true;

    /**
     * @param path the file's name
     * @param fromStart whether a file there at the first poll is read from its start (else from its end)
     * @param rotateWait how long a rotated file is still read
     * @param nanoTime a monotonic clock
     * @param splitters a new line splitter per file (a half-written line belongs to its file)
     * @param rotations told of each rotation
     */
    FileFollower(Path path, boolean fromStart, Duration rotateWait, LongSupplier nanoTime, Supplier<LineSplitter> splitters,
                 Consumer<Rotation> rotations) {
        this.path = path;
        this.fromStart = fromStart;
        this.rotateWaitNanos = rotateWait.toNanos();
        this.nanoTime = nanoTime;
        this.splitters = splitters;
        this.rotations = rotations;
    }

    /**
     * Reads what is new: the rotated files' last lines first, then the current file's.
     *
     * @throws IOException when a file cannot be read
     */
    void poll() throws IOException {
        BasicFileAttributes now = attributes();
        if (current == null) {
            if (now != null) {
                current = open(firstLook && !fromStart);
            }
        } else if (now != null && now.fileKey() != null && !now.fileKey().equals(current.key)) {
            OpenFile next = open(false); // first: if this fails, the current file is still the current one
            current.closeAt = nanoTime.getAsLong() + rotateWaitNanos;
            rotated.add(current);
            current = next;
            rotations.accept(Rotation.RENAMED);
        } else if (now != null && now.size() < current.position) {
            current.splitter.flush();
            current.position = 0;
            rotations.accept(Rotation.TRUNCATED);
        }
        firstLook = false;
        for (Iterator<OpenFile> it = rotated.iterator(); it.hasNext(); ) {
            OpenFile old = it.next();
            boolean atEnd = read(old);
            if (atEnd && nanoTime.getAsLong() - old.closeAt >= 0) { // never let go of bytes not read yet
                old.close();
                it.remove();
            }
        }
        if (current != null) {
            read(current);
        }
    }

    @Override
    public void close() {
        rotated.forEach(OpenFile::close);
        rotated.clear();
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private BasicFileAttributes attributes() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null; // between a rename and the app's new file, or not made yet
        }
    }

    /** Opens the file the name points to now; retries when it was swapped while opening. */
    private OpenFile open(boolean atEnd) throws IOException {
        for (int attempt = 0; ; attempt++) {
            BasicFileAttributes before = attributes();
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            BasicFileAttributes after = attributes();
            if (before != null && after != null && Objects.equals(before.fileKey(), after.fileKey()) || attempt == 3) {
                return new OpenFile(channel, after == null ? null : after.fileKey(), atEnd ? channel.size() : 0, splitters.get());
            }
            channel.close();
        }
    }

    /** @return whether it read to the end of the file (else it stopped at the cap per poll) */
    private boolean read(OpenFile file) throws IOException {
        int total = 0;
        while (total < READ_CAP_PER_POLL) {
            buffer.clear();
            int n = file.channel.read(buffer, file.position);
            if (n <= 0) {
                return true;
            }
            file.splitter.feed(buffer.array(), 0, n);
            file.position += n;
            total += n;
        }
        return false;
    }

    /** A file being read: its channel, identity, read position and half-read line. */
    private static final class OpenFile {
        final FileChannel channel;
        final Object key;
        final LineSplitter splitter;
        long position;
        long closeAt;

        OpenFile(FileChannel channel, Object key, long position, LineSplitter splitter) {
            this.channel = channel;
            this.key = key;
            this.position = position;
            this.splitter = splitter;
        }

        /** Hands on the line the app left unfinished, and closes the channel. */
        void close() {
            splitter.flush();
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was written through it
            }
        }
    }
}
