package io.sluice.mta.address;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mailbox as RFC 5321 section 4.1.2 defines it ({@code Local-part "@" Domain}), with RFC 6531's
 * UTF-8 local parts and U-label domains. Parsing checks the syntax and the length limits of section
 * 4.5.3.1 (local part 64 octets, domain 255, path 256); it does not guess beyond them.
 *
 * <p>Address literals ({@code user@[192.0.2.1]}) are valid syntax but are refused: bulk senders
 * never need them and no MX lookup applies to them.
 *
 * @param localPart as written (case is the mailbox owner's business, RFC 5321 2.4)
 * @param domain in ASCII (A-labels), lower case
 */
public record EmailAddress(String localPart, String domain) {

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    /** Why an address is not a mailbox; {@code message} names the rule. */
    public static final class InvalidAddressException extends IllegalArgumentException {
        public InvalidAddressException(String message) {
            super(message);
        }
    }

    public static EmailAddress parse(String address) {
        if (address == null || address.isEmpty()) {
            throw new InvalidAddressException("address is empty");
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new InvalidAddressException("'" + address + "' is not local-part@domain");
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        checkLocalPart(local, address);
        String ascii = checkDomain(domain, address);
        if (local.getBytes(StandardCharsets.UTF_8).length + 1 + ascii.length() > 254) {
            throw new InvalidAddressException(
                    "'" + address + "' is longer than 254 octets (RFC 5321 4.5.3.1.3)");
        }
        return new EmailAddress(local, ascii);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }

    private static void checkLocalPart(String local, String address) {
        if (local.getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new InvalidAddressException(
                    "local part of '"
                            + address
                            + "' is longer than 64 octets (RFC 5321 4.5.3.1.1)");
        }
        if (local.startsWith("\"")) {
            checkQuotedString(local, address);
            return;
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new InvalidAddressException(
                    "local part of '" + address + "' has a leading, trailing or double dot");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean atext =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || ATEXT_SPECIALS.indexOf(c) >= 0
                            || c == '.'
                            || (c > 127 && isWordCharacter(c));
            if (!atext) {
                throw new InvalidAddressException(
                        "local part of '"
                                + printable(address)
                                + "' contains "
                                + describe(c)
                                + " outside quotes (RFC 5321 4.1.2)");
            }
        }
    }

    /**
     * RFC 6531 admits any non-ASCII UTF-8 in a local part; Sluice admits letters, digits and
     * combining marks (what real internationalized mailbox names are made of), and refuses symbols,
     * box-drawing and invisible characters, which in practice are encoding damage.
     */
    private static boolean isWordCharacter(char c) {
        if (Character.isSurrogate(c)) {
            return false;
        }
        int type = Character.getType(c);
        return Character.isLetterOrDigit(c)
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static void checkQuotedString(String local, String address) {
        if (local.length() < 2 || !local.endsWith("\"")) {
            throw new InvalidAddressException(
                    "unterminated quoted local part in '" + printable(address) + "'");
        }
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= local.length() - 1 || local.charAt(i) < 32 || local.charAt(i) > 126) {
                    throw new InvalidAddressException(
                            "bad quoted pair in '" + printable(address) + "'");
                }
            } else if (c == '"' || (c < 32 && c != ' ') || c == 127) {
                throw new InvalidAddressException(
                        "quoted local part of '"
                                + printable(address)
                                + "' contains "
                                + describe(c));
            }
        }
    }

    /** The domain in A-labels, lower case; checks RFC 5321 4.1.2 sub-domain syntax. */
    private static String checkDomain(String domain, String address) {
        if (domain.startsWith("[")) {
            throw new InvalidAddressException(
                    "'" + address + "' is an address literal; only domain names are accepted");
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            // IDNA2003 (the JDK's) still admits symbols that IDNA2008 (RFC 5892) disallows.
            if (c > 127 && !isWordCharacter(c)) {
                throw new InvalidAddressException(
                        "domain of '" + address + "' contains " + describe(c) + " (RFC 5892)");
            }
        }
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidAddressException(
                    "domain of '"
                            + printable(address)
                            + "' is not a valid (IDNA) name: "
                            + e.getMessage());
        }
        if (ascii.length() > 253) {
            throw new InvalidAddressException(
                    "domain of '" + address + "' is longer than 253 octets");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidAddressException(
                    "domain of '"
                            + address
                            + "' has no dot: dotless domains receive no mail (RFC 7085)");
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                throw new InvalidAddressException(
                        "domain of '" + address + "' has an empty or over-long label");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new InvalidAddressException(
                        "domain of '" + address + "' has a label starting or ending with '-'");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new InvalidAddressException(
                    "domain of '" + address + "' ends in a numeric label: not a domain name");
        }
        return ascii;
    }

    private static String describe(char c) {
        return c < 32 || c == 127
                ? String.format("control character U+%04X", (int) c)
                : "'" + c + "'";
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
