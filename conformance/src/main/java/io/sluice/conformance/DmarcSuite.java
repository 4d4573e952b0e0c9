package io.sluice.conformance;

import io.sluice.bounce.corpus.Agreement;
import io.sluice.mta.dmarc.Alignment;
import io.sluice.mta.dmarc.AuthorDomain;
import io.sluice.mta.dmarc.DmarcChecker;
import io.sluice.mta.dmarc.DmarcPolicy;
import io.sluice.mta.dmarc.DmarcRecord;
import io.sluice.mta.dmarc.DmarcRecordException;
import io.sluice.mta.dmarc.DmarcResult;
import io.sluice.mta.dmarc.DmarcVerdict;
import io.sluice.mta.dmarc.ReportUri;
import io.sluice.mta.spf.SpfResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.yaml.snakeyaml.Yaml;

/**
 * The DMARC vectors of {@code dmarc/}: record parsing ({@code record_parsing.jsonl}), identifier
 * alignment, evaluation and policy discovery ({@code alignment_and_evaluation.jsonl}) and the
 * From-domain extraction ({@code from_domain_extraction.jsonl}). Sluice implements RFC 7489; the
 * vectors that encode DMARCbis-only behaviour are left out of the count and named on the line
 * ({@code not-rfc7489=N}) with the reason in --verbose.
 */
public final class DmarcSuite implements ConformanceSuite {

    /**
     * Vectors whose expected value needs what RFC 7489 does not have: np= for non-existent
     * subdomains (RFC 9091) and psd= with the DNS tree walk. "p=n" is accepted by OpenDMARC, which
     * reads only the first letter, but RFC 7489 6.3 allows only none, quarantine and reject.
     */
    static final Map<String, String> NOT_RFC7489 =
            Map.of(
                    "mailauth-policy-3", "np= (DMARCbis / RFC 9091) is not RFC 7489",
                    "mailauth-policy-6", "np= and the DMARCbis tree walk are not RFC 7489",
                    "mailauth-psd-2", "psd= and the DMARCbis tree walk are not RFC 7489",
                    "opendmarc-parse-5",
                            "p=n is an OpenDMARC leniency; RFC 7489 6.3 requires none|quarantine|reject");

    @Override
    public String name() {
        return "dmarc";
    }

    @Override
    public String folder() {
        return "dmarc";
    }

    @Override
    public String marker() {
        return "alignment_and_evaluation.jsonl";
    }

    @Override
    public Result run(Path dir) {
        int agreed = 0;
        int total = 0;
        int notRfc7489 = 0;
        List<String> wrong = new ArrayList<>();
        for (String file :
                List.of(
                        "record_parsing.jsonl",
                        "alignment_and_evaluation.jsonl",
                        "from_domain_extraction.jsonl")) {
            for (Map<String, Object> v : lines(dir.resolve(file))) {
                String id = String.valueOf(v.get("id"));
                String skip = NOT_RFC7489.get(id);
                if (skip != null) {
                    notRfc7489++;
                    wrong.add(id + ": not counted -- " + skip);
                    continue;
                }
                total++;
                String problem;
                try {
                    problem =
                            switch (file) {
                                case "record_parsing.jsonl" -> parsing(v);
                                case "alignment_and_evaluation.jsonl" -> evaluation(v);
                                default -> fromDomain(v);
                            };
                } catch (RuntimeException | IOException e) {
                    problem = "threw " + e;
                }
                if (problem == null) {
                    agreed++;
                } else {
                    wrong.add(id + ": " + problem);
                }
            }
        }
        return new Result(
                new Agreement(agreed, total), List.of("not-rfc7489=" + notRfc7489), wrong);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lines(Path file) {
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    // JSON is YAML's flow style: one parser for the suite's YAML and JSON.
                    out.add((Map<String, Object>) new Yaml().load(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String parsing(Map<String, Object> v) {
        String text = (String) v.get("record");
        if ("error".equals(v.get("expected_outcome"))) {
            try {
                DmarcRecord.parse(text);
                return "parsed, expected " + v.get("expected_detail");
            } catch (DmarcRecordException e) {
                return differ(
                        "error", "DMARC_PARSE_ERROR_" + e.problem(), v.get("expected_detail"));
            }
        }
        DmarcRecord r = DmarcRecord.parse(text);
        Map<String, Object> f = (Map<String, Object>) v.get("expected_fields");
        if (f == null) {
            return null;
        }
        String problem = differ("p", lower(r.policy()), f.get("p"));
        if (problem == null && f.containsKey("sp")) {
            problem = differ("sp", lower(r.policyForSubdomains()), f.get("sp"));
        }
        if (problem == null && f.containsKey("adkim")) {
            problem = differ("adkim", initial(r.dkimAlignment()), f.get("adkim"));
        }
        if (problem == null && f.containsKey("aspf")) {
            problem = differ("aspf", initial(r.spfAlignment()), f.get("aspf"));
        }
        if (problem == null && f.containsKey("pct")) {
            problem = differ("pct", r.percent(), f.get("pct"));
        }
        if (problem != null) {
            return problem;
        }
        List<List<Object>> rua = (List<List<Object>>) f.get("rua");
        if (r.aggregateReports().size() != rua.size()) {
            return differ("rua count", r.aggregateReports().size(), rua.size());
        }
        for (int i = 0; i < rua.size(); i++) {
            ReportUri got = r.aggregateReports().get(i);
            String want = String.valueOf(rua.get(i).get(0));
            // mail-auth writes the address without "mailto:" and 0 for "no limit".
            if (want.startsWith("mailto:")
                    ? !got.uri().equals(want)
                    : !got.uri().startsWith("mailto:")) {
                return differ("rua " + i, got.uri(), want);
            }
            Object size = rua.get(i).get(1);
            long wantSize = size == null ? -1 : ((Number) size).longValue();
            long gotSize = got.maxBytes().orElse(wantSize == 0 ? 0 : -1);
            if (gotSize != wantSize) {
                return differ("rua " + i + " size", gotSize, wantSize);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String evaluation(Map<String, Object> v) throws IOException {
        String kind = (String) v.get("kind");
        if (kind.equals("identifier_alignment")) {
            Alignment mode = v.get("mode").equals("strict") ? Alignment.STRICT : Alignment.RELAXED;
            boolean aligned = mode.aligns((String) v.get("domain_a"), (String) v.get("domain_b"));
            return differ("alignment", aligned ? "aligned" : "not_aligned", v.get("expected"));
        }
        Map<String, String> dns = new HashMap<>((Map<String, String>) v.get("dmarc_records"));
        String from = (String) v.get("header_from_domain");
        if (kind.equals("policy_discovery")) {
            Optional<DmarcChecker.Discovery> d =
                    new DmarcChecker(name -> txt(dns, name), new Random(1)).discover(from);
            if (d.isEmpty()) {
                return "no record discovered, expected " + v.get("expected");
            }
            return differ("discovery", "policy=" + lower(d.get().applicable()), v.get("expected"));
        }
        Map<String, Object> spf = (Map<String, Object>) v.get("spf");
        SpfResult spfResult =
                switch (String.valueOf(spf.get("result"))) {
                    case "pass" -> SpfResult.PASS;
                    case "fail" -> SpfResult.FAIL;
                    default -> SpfResult.NONE;
                };
        String spfDomain =
                spf.get("smtp.mailfrom") != null
                        ? (String) spf.get("smtp.mailfrom")
                        : (String) v.get("mail_from_domain");
        List<String> dkimPass = new ArrayList<>();
        for (Map<String, Object> sig : (List<Map<String, Object>>) v.get("dkim")) {
            if (sig.get("result").equals("pass")) {
                dkimPass.add((String) sig.get("header.d"));
            }
        }
        if (kind.equals("dmarc_evaluation_statistical")) {
            // pct=50: about half of the failing mail gets the policy, the rest the next one down.
            DmarcChecker checker = new DmarcChecker(name -> txt(dns, name), new Random(7208));
            int rejected = 0;
            for (int i = 0; i < 10_000; i++) {
                DmarcVerdict verdict = checker.check(from, spfResult, spfDomain, dkimPass);
                if (verdict.result() != DmarcResult.FAIL) {
                    return differ("result", verdict.result(), DmarcResult.FAIL);
                }
                if (verdict.disposition() == DmarcPolicy.REJECT) {
                    rejected++;
                } else if (verdict.disposition() != DmarcPolicy.QUARANTINE) {
                    return differ("disposition", verdict.disposition(), "reject or quarantine");
                }
            }
            return rejected >= 3_500 && rejected <= 6_500
                    ? null
                    : "rejected " + rejected + " of 10,000 at pct=50";
        }
        DmarcVerdict verdict =
                new DmarcChecker(name -> txt(dns, name), new Random(1))
                        .check(from, spfResult, spfDomain, dkimPass);
        String expected = (String) v.get("expected");
        if (expected.contains("=")) {
            for (String part : expected.split(";\\s*")) {
                String[] kv = part.split("=", 2);
                String problem =
                        switch (kv[0]) {
                            case "dkim_alignment" ->
                                    differ(
                                            kv[0] + " aligned",
                                            verdict.dkimAligned(),
                                            kv[1].equals("pass"));
                            case "spf_alignment" ->
                                    differ(
                                            kv[0] + " aligned",
                                            verdict.spfAligned(),
                                            kv[1].equals("pass"));
                            case "policy" ->
                                    differ(
                                            kv[0],
                                            verdict.record()
                                                    .map(r -> lower(r.policy()))
                                                    .orElse("(no record)"),
                                            kv[1]);
                            default -> "unknown expectation " + part;
                        };
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        String got = verdict.result() == DmarcResult.PASS ? "pass" : lower(verdict.disposition());
        String problem = differ("verdict", got, expected);
        return problem == null ? null : problem + " -- " + verdict.reason();
    }

    private static String fromDomain(Map<String, Object> v) {
        Optional<String> got = AuthorDomain.of((String) v.get("header_value"));
        return differ("author domain", got.orElse("(none)"), v.get("expected_domain"));
    }

    private static String differ(String what, Object got, Object expected) {
        return Objects.equals(String.valueOf(got), String.valueOf(expected))
                ? null
                : what + " expected " + expected + " got " + got;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String initial(Enum<?> e) {
        return e.name().substring(0, 1).toLowerCase(Locale.ROOT);
    }

    private static List<String> txt(Map<String, String> dns, String name) {
        String r = dns.get(name);
        return r == null ? List.of() : List.of(r);
    }
}
