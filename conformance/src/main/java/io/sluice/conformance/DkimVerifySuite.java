package io.sluice.conformance;

import io.sluice.bounce.corpus.Agreement;
import io.sluice.mta.dkim.DkimStatus;
import io.sluice.mta.dkim.DkimVerification;
import io.sluice.mta.dkim.DkimVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Sluice's DKIM verifier against every message of {@code dkim/manifest.tsv}: one expected result
 * per signature, in header order, with the keys of {@code dns_txt_records.tsv}. A message agrees
 * when every signature's domain, selector and result do. "pass (warning)" is a pass (the warnings
 * are dkim_verifier's display policy); "policy-fail" is a valid signature with an unsigned
 * displayed field added above it, which Sluice reports as {@link DkimStatus#POLICY_FAIL}. A row
 * with a verification time is verified as of that time (its keys or signatures expire).
 */
public final class DkimVerifySuite implements ConformanceSuite {

    @Override
    public String name() {
        return "dkim-verify";
    }

    @Override
    public String folder() {
        return "dkim";
    }

    @Override
    public Result run(Path dir) {
        try {
            CorpusKeys keys = new CorpusKeys(dir);
            List<String> lines = Files.readAllLines(dir.resolve("manifest.tsv"));
            int agreed = 0;
            List<String> wrong = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split("\t", -1);
                String problem = check(dir, keys, c[0], c[1], c[2], c[5]);
                if (problem == null) {
                    agreed++;
                } else {
                    wrong.add(c[0] + ": " + problem);
                }
            }
            return new Result(new Agreement(agreed, agreed + wrong.size()), List.of(), wrong);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String check(
            Path dir,
            CorpusKeys keys,
            String file,
            String signatures,
            String expected,
            String verifyAt)
            throws IOException {
        Instant at =
                verifyAt.isEmpty()
                        ? Instant.now()
                        : Instant.ofEpochSecond(Long.parseLong(verifyAt));
        List<DkimVerification> results =
                new DkimVerifier(keys, Clock.fixed(at, ZoneOffset.UTC))
                        .verify(Files.readAllBytes(dir.resolve("messages").resolve(file)));
        String[] sigs = signatures.split(";");
        List<DkimStatus> want = expectedStatuses(expected, sigs.length);
        if (results.size() != sigs.length) {
            return "expected " + sigs.length + " signatures, found " + results.size();
        }
        for (int i = 0; i < sigs.length; i++) {
            String[] dsa = sigs[i].split("/");
            DkimVerification r = results.get(i);
            if (!r.domain().equals(dsa[0]) || !r.selector().equals(dsa[1])) {
                return "signature "
                        + i
                        + " is "
                        + r.domain()
                        + "/"
                        + r.selector()
                        + ", expected "
                        + sigs[i];
            }
            if (r.status() != want.get(i)) {
                return "signature "
                        + i
                        + " expected "
                        + want.get(i)
                        + " got "
                        + r.status()
                        + " -- "
                        + r.reason();
            }
        }
        return null;
    }

    private static List<DkimStatus> expectedStatuses(String expected, int count) {
        if (expected.startsWith("pass (all signatures)")) {
            return Collections.nCopies(count, DkimStatus.PASS);
        }
        List<DkimStatus> out = new ArrayList<>();
        for (String e : expected.split(";")) {
            out.add(
                    switch (e.replaceAll(" \\(.*\\)", "").strip()) {
                        case "pass" -> DkimStatus.PASS;
                        case "permfail" -> DkimStatus.FAIL;
                        case "policy-fail" -> DkimStatus.POLICY_FAIL;
                        default -> throw new IllegalArgumentException("manifest result " + e);
                    });
        }
        return out;
    }
}
