package org.miroir.dr.witness;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The witness's durable state, {@code witness.json} in its directory: the epoch and the holder. Written to a temporary
 * file, fsynced, renamed over the old one, and the directory fsynced, so a crash leaves the old state or the new one,
 * whole, and a granted epoch is never forgotten (epochs never go back).
 */
public final class WitnessFile {
    /** What survives a restart. */
    public record State(long epoch, String holder) {}

    private final Path dir;
    private final Path file;

    public WitnessFile(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.file = dir.resolve("witness.json");
    }

    public State load() throws IOException {
        if (!Files.exists(file)) return new State(0, null);
        JsonObject j = new JsonObject(Files.readString(file));
        return new State(j.getLong("epoch"), j.getString("holder"));
    }

    public void save(State s) throws IOException {
        Path tmp = dir.resolve("witness.json.tmp");
        byte[] bytes = new JsonObject().put("epoch", s.epoch()).put("holder", s.holder()).encode()
                .getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
