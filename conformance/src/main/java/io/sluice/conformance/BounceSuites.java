package io.sluice.conformance;

import io.sluice.bounce.corpus.BounceCorpusRun;
import io.sluice.bounce.corpus.CorpusOutcome;
import io.sluice.bounce.corpus.FeedbackCorpusRun;
import io.sluice.bounce.corpus.ScoreTable;
import java.nio.file.Path;
import java.util.List;

/** The suites of the bounce module: returned mail (bounces/) and complaint reports (arf/). */
public final class BounceSuites {

    private BounceSuites() {}

    /** A row agrees when both its reason and its hard/soft/none class do. */
    public static final class Bounces implements ConformanceSuite {

        @Override
        public String name() {
            return "bounces";
        }

        @Override
        public String folder() {
            return "bounces";
        }

        @Override
        public Result run(Path dir) {
            ScoreTable score = new ScoreTable(BounceCorpusRun.run(dir));
            long reason = score.outcomes().stream().filter(CorpusOutcome::reasonAgrees).count();
            long cls = score.outcomes().stream().filter(CorpusOutcome::classAgrees).count();
            List<String> wrong =
                    score.outcomes().stream()
                            .filter(o -> !o.reasonAgrees() || !o.classAgrees())
                            .map(
                                    o ->
                                            o.row().file()
                                                    + " expected "
                                                    + o.row().reason()
                                                    + "/"
                                                    + o.row().hardOrSoft()
                                                    + " got "
                                                    + o.reason()
                                                    + "/"
                                                    + o.bounceClass()
                                                    + " ("
                                                    + o.rule()
                                                    + ")")
                            .toList();
            return new Result(
                    score.agreement(),
                    List.of(
                            "reason=" + reason,
                            "class=" + cls,
                            "hard-false-positives=" + score.hardFalsePositives().size()),
                    wrong);
        }
    }

    /** A report file agrees when every manifest row of it (type, recipient) does. */
    public static final class Feedback implements ConformanceSuite {

        @Override
        public String name() {
            return "arf";
        }

        @Override
        public String folder() {
            return "arf";
        }

        @Override
        public Result run(Path dir) {
            List<FeedbackCorpusRun.Outcome> outcomes = FeedbackCorpusRun.run(dir);
            return new Result(
                    FeedbackCorpusRun.agreement(outcomes),
                    List.of(),
                    outcomes.stream()
                            .filter(o -> !o.agrees())
                            .map(FeedbackCorpusRun.Outcome::describe)
                            .toList());
        }
    }
}
