package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.mta.Corpora;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signer: exact reproduction of the published RFC 8463 and RFC 6376 signatures, and every
 * signature it makes checked by an independent verifier (Apache James jDKIM, rsa-sha256; jDKIM has
 * no Ed25519, so those are checked by Sluice's verifier, which agrees with the corpus).
 */
class DkimSignerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static DkimKey rsa2048;
    private static DkimKey ed25519;
    private static final Map<String, String> DNS = new ConcurrentHashMap<>();

    private static final String MESSAGE =
            "From: Alice <alice@news.example.org>\r\n"
                    + "To: bob@example.net\r\n"
                    + "Subject:  Spring   sale\r\n"
                    + "\t starts today\r\n"
                    + "Date: Sun, 1 Mar 2026 10:00:00 +0000\r\n"
                    + "Message-ID: <m1@news.example.org>\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "List-Unsubscribe: <https://u.example.org/u/abc>\r\n"
                    + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                    + "X-Mailer: not signed\r\n"
                    + "\r\n"
                    + "Hello Bob,  \r\n"
                    + "\r\n"
                    + "everything  must\tgo.\r\n"
                    + "\r\n\r\n";

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsa2048 = DkimKey.of("example.org", "rsa2026", rsa.generateKeyPair().getPrivate());
        ed25519 =
                DkimKey.of(
                        "example.org",
                        "ed2026",
                        KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        for (DkimKey k : List.of(rsa2048, ed25519)) {
            DNS.put(k.selector() + "._domainkey." + k.domain(), k.publicKeyRecord());
        }
    }

    @Test
    void reproducesRfc8463AppendixA3Exactly() throws Exception {
        Path dkim = Corpora.folder("dkim");
        SignableMessage message =
                SignableMessage.parse(
                        Files.readAllBytes(dkim.resolve("messages/dkimverifier-rfc8463-A.3.eml")));
        DkimKey ed =
                DkimKey.ed25519FromSeed(
                        "football.example.com",
                        "brisbane",
                        Base64.getDecoder()
                                .decode(
                                        Files.readString(
                                                        dkim.resolve(
                                                                "keys/rfc8463-brisbane.football.example.com-ed25519-private-seed.b64"))
                                                .strip()));
        DkimKey rsa =
                DkimKey.load(
                        "football.example.com",
                        "test",
                        dkim.resolve("keys/rfc8463-test.football.example.com-rsa-private.pem"));
        List<HeaderField> published =
                message.headers().stream().filter(h -> h.hasName("DKIM-Signature")).toList();
        assertThat(published).hasSize(2);

        assertReproduces(message, ed, published.get(0), Canonicalization.RELAXED);
        assertReproduces(message, rsa, published.get(1), Canonicalization.RELAXED);
        assertThat(DkimSigner.bodyHash(message.body(), Canonicalization.RELAXED))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
        assertThat(ed.publicKeyRecord())
                .isEqualTo("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    }

    @Test
    void reproducesRfc6376AppendixA2Exactly() throws Exception {
        Path dkim = Corpora.folder("dkim");
        SignableMessage message =
                SignableMessage.parse(
                        Files.readAllBytes(dkim.resolve("messages/dkimverifier-rfc6376-A.2.eml")));
        DkimKey rsa =
                DkimKey.load(
                        "example.com",
                        "brisbane",
                        dkim.resolve(
                                "keys/rfc6376-appendixC-brisbane.example.com-rsa-private.pem"));
        HeaderField published = message.first("DKIM-Signature").orElseThrow();

        assertReproduces(message, rsa, published, Canonicalization.SIMPLE);
        assertThat(TagList.parse(published.value()).compact("b").orElseThrow())
                .startsWith("AuUoFEfD")
                .endsWith("vcubU4=");
    }

    private static void assertReproduces(
            SignableMessage message, DkimKey key, HeaderField published, Canonicalization c) {
        String template = TagList.withEmptySignature(published.raw());
        // The RFC example keys are 1024-bit: allowed here only to check against the RFCs.
        DkimSigner signer =
                new DkimSigner(SigningOptions.defaults().withMinimumRsaBits(1024), CLOCK);

        String signed = signer.complete(message, key, template, c);

        String ours =
                TagList.parse(signed.substring(signed.indexOf(':') + 1)).compact("b").orElseThrow();
        String theirs = TagList.parse(published.value()).compact("b").orElseThrow();
        assertThat(ours).isEqualTo(theirs);
        String bh = TagList.parse(published.value()).compact("bh").orElseThrow();
        assertThat(
                        DkimSigner.bodyHash(
                                message.body(),
                                CanonicalizationPair.parse(
                                                TagList.parse(published.value())
                                                        .get("c")
                                                        .orElse(null))
                                        .body()))
                .isEqualTo(bh);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"RELAXED,RELAXED", "SIMPLE,SIMPLE", "RELAXED,SIMPLE", "SIMPLE,RELAXED"})
    void everySignatureVerifiesWithJamesJdkimAndOurVerifier(
            Canonicalization header, Canonicalization body) throws Exception {
        DkimSigner signer =
                new DkimSigner(SigningOptions.defaults().withCanonicalization(header, body), CLOCK);

        List<String> fields =
                signer.sign(SignableMessage.parse(bytes(MESSAGE)), List.of(ed25519, rsa2048));
        byte[] signed = SignableMessage.parse(bytes(MESSAGE)).toBytes(fields);

        assertThat(fields).hasSize(2);
        assertThat(fields.get(0)).contains("a=ed25519-sha256;");
        assertThat(fields.get(1)).contains("a=rsa-sha256;");
        assertThat(jdkimResults(signed))
                .filteredOn(DkimSignerTest::isRsa)
                .singleElement()
                .satisfies(r -> assertThat(r.isSuccess()).as(r.toString()).isTrue());
        assertThat(ourVerifier().verify(signed))
                .extracting(DkimVerification::status)
                .containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void signsTheListedFieldsAndOversignsFromSubjectAndUnsubscribe() {
        DkimSigner signer =
                new DkimSigner(SigningOptions.defaults().withExpiry(Duration.ofDays(7)), CLOCK);

        String field = signer.sign(SignableMessage.parse(bytes(MESSAGE)), List.of(rsa2048)).get(0);
        TagList tags = TagList.parse(field.substring(field.indexOf(':') + 1));

        assertThat(tags.get("h").orElseThrow().replaceAll("\\s", ""))
                .isEqualTo(
                        "from:from:to:subject:subject:date:message-id:mime-version:content-type:"
                                + "list-unsubscribe:list-unsubscribe:list-unsubscribe-post:list-unsubscribe-post");
        assertThat(tags.get("c")).contains("relaxed/relaxed");
        assertThat(tags.get("t")).contains(String.valueOf(NOW.getEpochSecond()));
        assertThat(tags.get("x")).contains(String.valueOf(NOW.getEpochSecond() + 7 * 86400));
        assertThat(tags.get("l")).isEmpty();
        assertThat(field).endsWith("\r\n");
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void anAddedFromOrUnsubscribeFieldBreaksTheSignature() throws Exception {
        DkimSigner signer = new DkimSigner(SigningOptions.defaults(), CLOCK);
        byte[] signed =
                SignableMessage.parse(bytes(MESSAGE))
                        .toBytes(
                                signer.sign(
                                        SignableMessage.parse(bytes(MESSAGE)),
                                        List.of(ed25519, rsa2048)));

        for (String added :
                List.of(
                        "From: mallory@evil.example\r\n",
                        "List-Unsubscribe: <https://evil.example/>\r\n")) {
            byte[] forged = SignableMessage.parse(signed).toBytes(List.of(added));
            assertThat(ourVerifier().verify(forged))
                    .extracting(DkimVerification::status)
                    .containsExactly(DkimStatus.FAIL, DkimStatus.FAIL);
            assertThat(jdkimResults(forged))
                    .filteredOn(DkimSignerTest::isRsa)
                    .singleElement()
                    .satisfies(r -> assertThat(r.isSuccess()).isFalse());
        }
    }

    @Test
    void signsWithTheRingKeysOfTheFromDomainsParent() {
        DkimKeyRing ring = new DkimKeyRing();
        ring.activate(rsa2048);
        ring.activate(ed25519);

        byte[] signed =
                new DkimSigner(SigningOptions.defaults(), CLOCK).signMessage(bytes(MESSAGE), ring);

        assertThat(ourVerifier().verify(signed))
                .extracting(
                        DkimVerification::domain,
                        DkimVerification::selector,
                        DkimVerification::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "example.org", "ed2026", DkimStatus.PASS),
                        org.assertj.core.groups.Tuple.tuple(
                                "example.org", "rsa2026", DkimStatus.PASS));
    }

    @Test
    void refusesRsaKeysUnder2048Bits() throws Exception {
        DkimKey small =
                DkimKey.load(
                        "example.com",
                        "brisbane",
                        Corpora.folder("dkim")
                                .resolve(
                                        "keys/rfc6376-appendixC-brisbane.example.com-rsa-private.pem"));
        DkimSigner signer = new DkimSigner(SigningOptions.defaults(), CLOCK);

        assertThat(small.rsaBits()).isEqualTo(1024);
        assertThatThrownBy(() -> signer.sign(SignableMessage.parse(bytes(MESSAGE)), List.of(small)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1024 bits");
        assertThatThrownBy(() -> new DkimKeyRing().activate(small))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheChosenAlgorithmsSign() {
        DkimSigner signer =
                new DkimSigner(
                        SigningOptions.defaults()
                                .withAlgorithms(EnumSet.of(DkimAlgorithm.RSA_SHA256)),
                        CLOCK);

        List<String> fields =
                signer.sign(SignableMessage.parse(bytes(MESSAGE)), List.of(ed25519, rsa2048));

        assertThat(fields).singleElement().asString().contains("a=rsa-sha256;");
    }

    private static DkimVerifier ourVerifier() {
        return new DkimVerifier(name -> List.of(DNS.get(name)), CLOCK);
    }

    private static List<Result> jdkimResults(byte[] message) throws Exception {
        DKIMVerifier verifier =
                new DKIMVerifier(
                        (method, selector, token) ->
                                List.of(DNS.get(selector + "._domainkey." + token)));
        try {
            verifier.verify(new ByteArrayInputStream(message));
        } catch (org.apache.james.jdkim.exceptions.FailException e) {
            // Results are still recorded per signature; the assertions look at them.
        }
        return new ArrayList<>(verifier.getResults());
    }

    private static boolean isRsa(Result r) {
        return r.getHeaderText().contains("header.s=" + rsa2048.selector());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
