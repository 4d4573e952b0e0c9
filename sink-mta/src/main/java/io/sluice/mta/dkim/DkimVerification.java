package io.sluice.mta.dkim;

/**
 * The result for one DKIM-Signature field: its signing domain (d=), selector (s=) and algorithm
 * (a=) as written, the status, and the reason for anything but a pass.
 */
public record DkimVerification(
        String domain, String selector, String algorithm, DkimStatus status, String reason) {

    static DkimVerification pass(String d, String s, String a) {
        return new DkimVerification(d, s, a, DkimStatus.PASS, "");
    }
}
