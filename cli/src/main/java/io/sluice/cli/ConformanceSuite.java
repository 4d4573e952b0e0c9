package io.sluice.cli;

import io.sluice.bounce.corpus.Agreement;
import java.nio.file.Path;
import java.util.List;

/**
 * One conformance suite of {@code sluice conformance}: a folder of the shared corpora and the
 * runner that scores Sluice against it. The runner is the one the module's own tests use, so the
 * command and {@code mvn verify} cannot disagree.
 */
interface ConformanceSuite {

    /** The name printed on the suite's line, e.g. {@code arf}. */
    String name();

    /** The folder under the corpora root that holds the suite, e.g. {@code arf}. */
    String folder();

    /** Runs the suite on {@code dir} (the suite's own folder). */
    Result run(Path dir);

    /**
     * @param agreement items that came out as the suite expects, out of all it has
     * @param details further {@code key=value} figures for the suite's line
     * @param disagreements one line per item that did not agree, for --verbose
     */
    record Result(Agreement agreement, List<String> details, List<String> disagreements) {

        public Result {
            details = List.copyOf(details);
            disagreements = List.copyOf(disagreements);
        }
    }
}
