package io.sluice.conformance;

import io.sluice.bounce.corpus.Agreement;
import io.sluice.mta.address.EmailAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address-validation cases of isemail and EmailValidator ({@code addresses/}) through {@link
 * EmailAddress#parse}, Sluice's check of a recipient before anything is sent. The suites judge RFC
 * 5322 addresses; a sender is stricter (no comments, no folding white space, no address literals,
 * no single-label domains), so the line counts the two directions apart: {@code
 * refused-invalid=N/M} must be all of them but for internationalized domains (EmailValidator's
 * RFCValidation refuses every non-ASCII domain; Sluice sends letters-only IDNs as A-labels), while
 * {@code accepted-valid=N/M} is below M by design. {@code agreed} counts both.
 */
public final class AddressSuite implements ConformanceSuite {

    private static final Pattern ROW =
            Pattern.compile(
                    "\"id\": \"([^\"]*)\".*\"address\": (\"(?:[^\"\\\\]|\\\\.)*\").*"
                            + "\"expected_valid\": (true|false), \"category\": \"([^\"]*)\"");

    @Override
    public String name() {
        return "addresses";
    }

    @Override
    public String folder() {
        return "addresses";
    }

    @Override
    public String marker() {
        return "address_tests.jsonl";
    }

    @Override
    public Result run(Path dir) {
        int invalid = 0;
        int refusedInvalid = 0;
        int valid = 0;
        int acceptedValid = 0;
        List<String> wrong = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve(marker()))) {
                if (line.isBlank()) {
                    continue;
                }
                Matcher m = ROW.matcher(line);
                if (!m.find()) {
                    throw new IllegalArgumentException("unreadable row: " + line);
                }
                String address = unescapeJson(m.group(2));
                boolean expectedValid = m.group(3).equals("true");
                String verdict;
                boolean accepted;
                try {
                    verdict = "accepted as " + EmailAddress.parse(address);
                    accepted = true;
                } catch (EmailAddress.InvalidAddressException e) {
                    verdict = "refused: " + e.getMessage();
                    accepted = false;
                }
                if (expectedValid) {
                    valid++;
                    acceptedValid += accepted ? 1 : 0;
                } else {
                    invalid++;
                    refusedInvalid += accepted ? 0 : 1;
                }
                if (accepted != expectedValid) {
                    wrong.add(
                            m.group(1)
                                    + " ("
                                    + m.group(4)
                                    + ") "
                                    + printable(address)
                                    + " expected "
                                    + (expectedValid ? "valid" : "invalid")
                                    + ", "
                                    + printable(verdict));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(
                new Agreement(refusedInvalid + acceptedValid, invalid + valid),
                List.of(
                        "refused-invalid=" + refusedInvalid + "/" + invalid,
                        "accepted-valid=" + acceptedValid + "/" + valid),
                wrong);
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static String unescapeJson(String quoted) {
        String s = quoted.substring(1, quoted.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(n);
            }
        }
        return out.toString();
    }
}
