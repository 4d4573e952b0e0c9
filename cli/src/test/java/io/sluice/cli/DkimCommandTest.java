package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.dkim.DkimKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DkimCommandTest {

    private static final String MESSAGE =
            "From: News <news@acme.example>\r\n"
                    + "To: reader@gmail.com\r\n"
                    + "Subject: Spring news\r\n"
                    + "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                    + "Message-ID: <m-1@acme.example>\r\n"
                    + "\r\n"
                    + "Hello.\r\n";

    @TempDir static Path dir;
    private static Path rsaPem;
    private static Path edPem;
    private static List<String> records;

    @BeforeAll
    static void keys() throws Exception {
        rsaPem = pem("rsa.pem", KeyPairGenerator.getInstance("RSA"), 2048);
        edPem = pem("ed.pem", KeyPairGenerator.getInstance("Ed25519"), 0);
        records =
                List.of(
                        "--key-record",
                        "sel._domainkey.acme.example="
                                + DkimKey.load("acme.example", "sel", rsaPem).publicKeyRecord(),
                        "--key-record",
                        "ed._domainkey.acme.example="
                                + DkimKey.load("acme.example", "ed", edPem).publicKeyRecord());
    }

    @Test
    void aMessageSignedWithBothKeysVerifiesWithBoth() {
        Run signed =
                run(
                        MESSAGE,
                        "dkim",
                        "sign",
                        "--key",
                        rsaPem.toString(),
                        "--key",
                        edPem.toString(),
                        "--domain",
                        "acme.example",
                        "--selector",
                        "sel",
                        "--selector",
                        "ed");
        assertThat(signed.status()).isZero();
        assertThat(signed.out()).startsWith("DKIM-Signature:").endsWith(MESSAGE);

        Run verified = run(signed.out(), args("dkim", "verify"));

        assertThat(verified.status()).isZero();
        assertThat(verified.out().lines())
                .containsExactlyInAnyOrder(
                        "acme.example\tsel\trsa-sha256\tpass",
                        "acme.example\ted\ted25519-sha256\tpass");
    }

    @Test
    void aChangedBodyFailsAndOnlyTheChosenAlgorithmSigns() {
        Run signed =
                run(
                        MESSAGE,
                        "dkim",
                        "sign",
                        "--key",
                        rsaPem.toString(),
                        "--key",
                        edPem.toString(),
                        "--domain",
                        "acme.example",
                        "--selector",
                        "sel",
                        "--selector",
                        "ed",
                        "--algorithm",
                        "ed25519");
        String tampered = signed.out().replace("Hello.", "Hello!");

        Run verified = run(tampered, args("dkim", "verify"));

        assertThat(verified.status()).isOne();
        assertThat(verified.out().lines())
                .singleElement()
                .satisfies(l -> assertThat(l).startsWith("acme.example\ted\ted25519-sha256\tfail"));
    }

    private static String[] args(String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(records);
        return all.toArray(String[]::new);
    }

    private record Run(int status, String out) {}

    private static Run run(String stdin, String... args) {
        PrintStream out = System.out;
        InputStream in = System.in;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int status = new CommandLine(new Sluice()).execute(args);
            return new Run(status, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setIn(in);
        }
    }

    private static Path pem(String name, KeyPairGenerator generator, int bits) throws Exception {
        if (bits > 0) {
            generator.initialize(bits);
        }
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        Path file = dir.resolve(name);
        Files.writeString(
                file,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pkcs8)
                        + "\n-----END PRIVATE KEY-----\n");
        return file;
    }
}
