package io.sluice.bounce.corpus;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared conformance corpora are: system property {@code sluice.corpora} (set by the root
 * pom).
 */
public final class Corpora {

    private Corpora() {}

    /** The corpus folder {@code name}; skips the calling test, saying why, when it is absent. */
    public static Path require(String name) {
        String root = System.getProperty("sluice.corpora", "../../shared/corpora");
        Path dir = Path.of(root).resolve(name);
        assumeTrue(
                Files.isRegularFile(dir.resolve("manifest.tsv")),
                "corpus "
                        + dir.toAbsolutePath()
                        + " not found: set -Dsluice.corpora to the shared corpora folder to run"
                        + " these tests");
        return dir;
    }
}
