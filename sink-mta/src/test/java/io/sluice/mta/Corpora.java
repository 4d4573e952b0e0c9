package io.sluice.mta;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared conformance corpora, read in place from the folder named by the system property {@code
 * sluice.corpora} (the root pom sets it to ../shared/corpora). Tests that need them are skipped,
 * with the reason, when the folder is absent, so a fresh clone still builds.
 */
public final class Corpora {

    private Corpora() {}

    /** The corpus sub-folder {@code name}, or a skipped test. */
    public static Path folder(String name) {
        String root = System.getProperty("sluice.corpora");
        assumeTrue(
                root != null,
                "system property sluice.corpora is not set: corpus tests need the shared corpora");
        Path dir = Path.of(root, name);
        assumeTrue(
                Files.isDirectory(dir),
                "corpus folder " + dir + " is absent: corpus tests skipped");
        return dir;
    }
}
