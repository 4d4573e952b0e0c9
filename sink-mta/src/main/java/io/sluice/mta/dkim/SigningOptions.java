package io.sluice.mta.dkim;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link DkimSigner} signs.
 *
 * @param headerCanonicalization c= header part; relaxed survives the re-folding relays do
 * @param bodyCanonicalization c= body part; relaxed survives trailing-whitespace changes
 * @param signedHeaders fields signed when present, in h= order
 * @param oversignedHeaders fields listed once more than they occur, so no relay can add one (RFC
 *     6376 section 8.15); From, Subject and the RFC 8058 unsubscribe fields by default
 * @param expiry when set, x= is t= plus this
 * @param algorithms one signature per algorithm with an active key; both by default, since not
 *     every receiver verifies Ed25519 (RFC 8463 section 1)
 * @param minimumRsaBits RSA keys below this are refused (RFC 8301 section 3.2: 2048 for signers)
 */
public record SigningOptions(
        Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization,
        List<String> signedHeaders,
        Set<String> oversignedHeaders,
        Optional<Duration> expiry,
        Set<DkimAlgorithm> algorithms,
        int minimumRsaBits) {

    public static final List<String> DEFAULT_SIGNED_HEADERS =
            List.of(
                    "From",
                    "Reply-To",
                    "To",
                    "Cc",
                    "Subject",
                    "Date",
                    "Message-ID",
                    "MIME-Version",
                    "Content-Type",
                    "List-Unsubscribe",
                    "List-Unsubscribe-Post",
                    // Gmail's feedback loop counts complaints only by a DKIM-signed Feedback-ID.
                    "Feedback-ID");

    public static final Set<String> DEFAULT_OVERSIGNED_HEADERS =
            Set.of("From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post");

    public SigningOptions {
        signedHeaders = List.copyOf(signedHeaders);
        oversignedHeaders = Set.copyOf(oversignedHeaders);
        algorithms = Set.copyOf(algorithms);
        if (signedHeaders.stream().noneMatch("From"::equalsIgnoreCase)) {
            throw new IllegalArgumentException(
                    "signed headers " + signedHeaders + " -- must include From (RFC 6376 5.4)");
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException(
                    "no signing algorithm -- expected rsa-sha256 and/or ed25519-sha256");
        }
        if (minimumRsaBits < 1024) {
            throw new IllegalArgumentException(
                    "minimum RSA key size "
                            + minimumRsaBits
                            + " -- expected 1024 or more (RFC 8301)");
        }
    }

    public static SigningOptions defaults() {
        return new SigningOptions(
                Canonicalization.RELAXED,
                Canonicalization.RELAXED,
                DEFAULT_SIGNED_HEADERS,
                DEFAULT_OVERSIGNED_HEADERS,
                Optional.empty(),
                EnumSet.allOf(DkimAlgorithm.class),
                DkimKeyRing.DEFAULT_MINIMUM_RSA_BITS);
    }

    public SigningOptions withCanonicalization(Canonicalization header, Canonicalization body) {
        return new SigningOptions(
                header, body, signedHeaders, oversignedHeaders, expiry, algorithms, minimumRsaBits);
    }

    public SigningOptions withExpiry(Duration validity) {
        return new SigningOptions(
                headerCanonicalization,
                bodyCanonicalization,
                signedHeaders,
                oversignedHeaders,
                Optional.of(validity),
                algorithms,
                minimumRsaBits);
    }

    public SigningOptions withAlgorithms(Set<DkimAlgorithm> only) {
        return new SigningOptions(
                headerCanonicalization,
                bodyCanonicalization,
                signedHeaders,
                oversignedHeaders,
                expiry,
                only,
                minimumRsaBits);
    }

    public SigningOptions withMinimumRsaBits(int bits) {
        return new SigningOptions(
                headerCanonicalization,
                bodyCanonicalization,
                signedHeaders,
                oversignedHeaders,
                expiry,
                algorithms,
                bits);
    }
}
