package io.sluice.conformance;

import io.sluice.bounce.corpus.Agreement;
import java.nio.file.Path;
import java.util.List;

/**
 * One conformance suite of {@code sluice conformance}: a folder of the shared corpora and the
 * runner that scores Sluice against it. The command and this module's tests run the same runner, so
 * {@code mvn verify} and the command cannot disagree.
 */
public interface ConformanceSuite {

    /** The name printed on the suite's line, e.g. {@code arf}. */
    String name();

    /** The folder under the corpora root that holds the suite, e.g. {@code arf}. */
    String folder();

    /** The file in {@link #folder()} whose presence means the suite is there to run. */
    default String marker() {
        return "manifest.tsv";
    }

    /**
     * The word before the first count on the suite's line: {@code agreed} where Sluice's answer is
     * compared with another implementation's, {@code passed} for a test suite's own verdicts.
     */
    default String verb() {
        return "agreed";
    }

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

        /** The suite's line, e.g. {@code conformance arf: agreed=19 total=19}. */
        public String line(ConformanceSuite suite) {
            StringBuilder line =
                    new StringBuilder("conformance ")
                            .append(suite.name())
                            .append(": ")
                            .append(suite.verb())
                            .append('=')
                            .append(agreement.agreed())
                            .append(" total=")
                            .append(agreement.total());
            details.forEach(d -> line.append(' ').append(d));
            return line.toString();
        }
    }
}
