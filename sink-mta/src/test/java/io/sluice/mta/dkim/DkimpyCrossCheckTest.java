package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our Ed25519 and RSA signatures, in all four canonicalization pairs, checked by dkimpy (Debian's
 * python3-dkim), the verifier behind dkimverify: jDKIM, the Maven verifier, has no Ed25519.
 * Skipped, with the reason, where python3-dkim and python3-nacl are not installed.
 */
class DkimpyCrossCheckTest {

    private static final String PYTHON = "/usr/bin/python3";

    private static final String CHECK =
            String.join(
                    "\n",
                    "import dkim, sys",
                    "keys = {}",
                    "for line in open(sys.argv[1]):",
                    "    n, v = line.rstrip('\\n').split('\\t'); keys[n.encode()] = v.encode()",
                    "def dnsfunc(name, timeout=5):",
                    "    return keys.get(name.rstrip(b'.'))",
                    "for f in sys.argv[2:]:",
                    "    m = open(f, 'rb').read(); d = dkim.DKIM(m)",
                    "    print(f.split('/')[-1], *[d.verify(idx=i, dnsfunc=dnsfunc) for i in range(2)])");

    @Test
    void dkimpyVerifiesEverySignatureWeMake(@TempDir Path dir) throws Exception {
        assumeTrue(
                run(List.of(PYTHON, "-c", "import dkim, nacl")).exitCode == 0,
                "python3-dkim/python3-nacl not installed: independent Ed25519 cross-check skipped");
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        DkimKey rsa = DkimKey.of("example.org", "r1", rsaGen.generateKeyPair().getPrivate());
        DkimKey ed =
                DkimKey.of(
                        "example.org",
                        "e1",
                        KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        Files.writeString(
                dir.resolve("keys.tsv"),
                "r1._domainkey.example.org\t"
                        + rsa.publicKeyRecord()
                        + "\n"
                        + "e1._domainkey.example.org\t"
                        + ed.publicKeyRecord()
                        + "\n");
        Files.writeString(dir.resolve("check.py"), CHECK);
        byte[] message =
                ("From: Alice <alice@news.example.org>\r\nTo: bob@example.net\r\n"
                                + "Subject:  Spring   sale\r\n\t starts today\r\n"
                                + "Date: Sun, 1 Mar 2026 10:00:00 +0000\r\n"
                                + "List-Unsubscribe: <https://u.example.org/u/abc>\r\n"
                                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n"
                                + "Hello Bob,  \r\n\r\neverything  must\tgo.\r\n\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                PYTHON,
                                dir.resolve("check.py").toString(),
                                dir.resolve("keys.tsv").toString()));
        for (Canonicalization h : Canonicalization.values()) {
            for (Canonicalization b : Canonicalization.values()) {
                DkimSigner signer =
                        new DkimSigner(
                                SigningOptions.defaults().withCanonicalization(h, b),
                                Clock.systemUTC());
                SignableMessage m = SignableMessage.parse(message);
                Path file = dir.resolve(h.tag() + "-" + b.tag() + ".eml");
                Files.write(file, m.toBytes(signer.sign(m, List.of(ed, rsa))));
                command.add(file.toString());
            }
        }

        Result result = run(command);

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output.lines())
                .containsExactlyInAnyOrder(
                        "relaxed-relaxed.eml True True",
                        "relaxed-simple.eml True True",
                        "simple-relaxed.eml True True",
                        "simple-simple.eml True True");
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return new Result(127, PYTHON + " is absent");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
