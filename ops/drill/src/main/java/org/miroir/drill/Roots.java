package org.miroir.drill;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, for tests: above the module's working directory, where {@code ops/miroir} is. */
public final class Roots {
    private Roots() {}

    public static Path repo() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isExecutable(p.resolve("ops/miroir"))) return p;
        throw new IllegalStateException("ops/miroir not found above " + Path.of("").toAbsolutePath());
    }
}
