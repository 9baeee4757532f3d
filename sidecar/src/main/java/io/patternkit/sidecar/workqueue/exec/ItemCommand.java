package io.patternkit.sidecar.workqueue.exec;

import io.patternkit.sidecar.workqueue.ClaimedItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process one item runs: the configured command (no shell) with the item described in its
 * environment. The JSON payload, when there is one, goes to a temporary file readable by the
 * owner only, deleted by {@link #close()}. The sidecar's own environment is inherited, minus any
 * {@code WORK_ITEM_*} variable it happened to be started with.
 */
public final class ItemCommand implements AutoCloseable {
    /** The item's id, a decimal number. */
    public static final String ENV_ID = "WORK_ITEM_ID";
    /** The delivery attempt, 1 on the first. */
    public static final String ENV_ATTEMPT = "WORK_ITEM_ATTEMPT";
    /** The item's file reference; unset for a payload item. */
    public static final String ENV_FILE = "WORK_ITEM_FILE";
    /** A temporary file holding the item's JSON payload; unset for a file item. */
    public static final String ENV_PAYLOAD_FILE = "WORK_ITEM_PAYLOAD_FILE";

    private static final Logger LOG = LoggerFactory.getLogger(ItemCommand.class);
    private static final String PREFIX = "WORK_ITEM_";

    private final ProcessBuilder builder;
    private final Path payloadFile;

    private ItemCommand(ProcessBuilder builder, Path payloadFile) {
        this.builder = builder;
        this.payloadFile = payloadFile;
    }

    /**
     * Prepares the process of one item, writing its payload file when it has a payload.
     *
     * @param command the program and its arguments, never empty
     * @param item the claimed item
     * @return the prepared command; close it once the process has ended
     * @throws IOException when the payload file cannot be written
     */
    public static ItemCommand prepare(List<String> command, ClaimedItem item) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith(PREFIX));
        env.put(ENV_ID, Long.toString(item.id()));
        env.put(ENV_ATTEMPT, Integer.toString(item.attempt()));
        if (item.fileRef() != null) {
            env.put(ENV_FILE, item.fileRef());
        }
        Path payloadFile = null;
        if (item.payloadJson() != null) {
            // createTempFile makes the file rw------- on POSIX systems: payloads stay private.
            payloadFile = Files.createTempFile("patternkit-item-" + item.id() + "-", ".json");
            try {
                Files.writeString(payloadFile, item.payloadJson(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                Files.deleteIfExists(payloadFile);
                throw e;
            }
            env.put(ENV_PAYLOAD_FILE, payloadFile.toString());
        }
        return new ItemCommand(builder, payloadFile);
    }

    /** @return the process builder, with the command and environment set; never null */
    public ProcessBuilder processBuilder() {
        return builder;
    }

    /** @return the payload file, or empty for a file item */
    public Optional<Path> payloadFile() {
        return Optional.ofNullable(payloadFile);
    }

    /** Deletes the payload file, if any. Never throws. */
    @Override
    public void close() {
        if (payloadFile != null) {
            try {
                Files.deleteIfExists(payloadFile);
            } catch (IOException e) {
                LOG.warn("cannot delete the payload file {}: {}", payloadFile, e.getMessage());
            }
        }
    }
}
