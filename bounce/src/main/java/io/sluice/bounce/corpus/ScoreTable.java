package io.sluice.bounce.corpus;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-reason agreement of a corpus run, printed as a table a person can read in the build log. */
public record ScoreTable(List<CorpusOutcome> outcomes) {

    public double reasonRate() {
        return rate(outcomes.stream().filter(CorpusOutcome::reasonAgrees).count());
    }

    public double classRate() {
        return rate(outcomes.stream().filter(CorpusOutcome::classAgrees).count());
    }

    /**
     * Over rows that name a recipient; rows with none (a report that names nobody) are left out.
     */
    public double recipientRate() {
        List<CorpusOutcome> named =
                outcomes.stream().filter(o -> !o.row().recipient().isEmpty()).toList();
        return 100.0 * named.stream().filter(CorpusOutcome::recipientAgrees).count() / named.size();
    }

    /** Rows whose reason and hard/soft/none class both agree with the corpus. */
    public Agreement agreement() {
        int agreed =
                (int) outcomes.stream().filter(o -> o.reasonAgrees() && o.classAgrees()).count();
        return new Agreement(agreed, outcomes.size());
    }

    public List<CorpusOutcome> hardFalsePositives() {
        return outcomes.stream().filter(CorpusOutcome::hardFalsePositive).toList();
    }

    public String render() {
        Map<String, int[]> byReason = new TreeMap<>();
        for (CorpusOutcome o : outcomes) {
            int[] c = byReason.computeIfAbsent(o.row().reason(), r -> new int[4]);
            c[0]++;
            c[1] += o.reasonAgrees() ? 1 : 0;
            c[2] += o.classAgrees() ? 1 : 0;
            c[3] += o.recipientAgrees() ? 1 : 0;
        }
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        "%-16s %5s %12s %12s %12s%n",
                        "reason", "rows", "reason", "class", "recipient"));
        for (Map.Entry<String, int[]> e : byReason.entrySet()) {
            int[] c = e.getValue();
            out.append(
                    String.format(
                            "%-16s %5d %12s %12s %12s%n",
                            e.getKey(),
                            c[0],
                            cell(c[1], c[0]),
                            cell(c[2], c[0]),
                            cell(c[3], c[0])));
        }
        out.append(
                String.format(
                        "recipient %.1f%% of the rows that name one; %d rows%n",
                        recipientRate(), outcomes.size()));
        out.append(summaryLine()).append('\n');
        return out.toString();
    }

    /**
     * The last line people and tools parse: {@code bounces: reason N/M (P%) class N/M (P%)
     * hard-false-positives K}.
     */
    public String summaryLine() {
        long reason = outcomes.stream().filter(CorpusOutcome::reasonAgrees).count();
        long cls = outcomes.stream().filter(CorpusOutcome::classAgrees).count();
        return String.format(
                "bounces: reason %d/%d (%.1f%%) class %d/%d (%.1f%%) hard-false-positives %d",
                reason,
                outcomes.size(),
                reasonRate(),
                cls,
                outcomes.size(),
                classRate(),
                hardFalsePositives().size());
    }

    private static String cell(int n, int of) {
        return String.format("%d (%3.0f%%)", n, 100.0 * n / of);
    }

    private double rate(long n) {
        return 100.0 * n / outcomes.size();
    }
}
