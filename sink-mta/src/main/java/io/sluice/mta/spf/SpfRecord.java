package io.sluice.mta.spf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;

/**
 * A parsed SPF record (RFC 7208 sections 4.5, 4.6 and 12): its directives in order and its
 * redirect= and exp= modifiers. Any syntax error anywhere makes the whole record a permerror before
 * anything is evaluated (4.6).
 */
record SpfRecord(List<SpfDirective> directives, String redirect, String explanation) {

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)");
    private static final Pattern MECHANISM =
            Pattern.compile("([+\\-~?]?)([A-Za-z][A-Za-z0-9_.-]*)(.*)");
    private static final Pattern DUAL_CIDR =
            Pattern.compile("(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?$");

    /**
     * True when {@code text} is an SPF version 1 record (4.5): "v=spf1" then a space or the end.
     */
    static boolean isSpf(String text) {
        return text.regionMatches(true, 0, "v=spf1", 0, 6)
                && (text.length() == 6 || text.charAt(6) == ' ');
    }

    static SpfRecord parse(String text) throws SpfException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7e) {
                throw SpfException.perm("non-ASCII character in the record (3.1)");
            }
        }
        List<SpfDirective> directives = new ArrayList<>();
        String redirect = null;
        String exp = null;
        for (String term : text.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                SpfMacro.checkSyntax(value, false);
                if (name.equals("redirect")) {
                    if (redirect != null) {
                        throw SpfException.perm("two redirect= modifiers (6)");
                    }
                    redirect = checkDomainSpec(value);
                } else if (name.equals("exp")) {
                    if (exp != null) {
                        throw SpfException.perm("two exp= modifiers (6)");
                    }
                    exp = checkDomainSpec(value);
                }
                // Unknown modifiers are ignored (6), once their macro syntax is checked.
                continue;
            }
            directives.add(directive(term));
        }
        return new SpfRecord(List.copyOf(directives), redirect, exp);
    }

    private static SpfDirective directive(String term) throws SpfException {
        Matcher m = MECHANISM.matcher(term);
        if (!m.matches()) {
            throw SpfException.perm("unknown term \"" + term + "\"");
        }
        char qualifier = m.group(1).isEmpty() ? '+' : m.group(1).charAt(0);
        String name = m.group(2).toLowerCase(Locale.ROOT);
        String rest = m.group(3);
        SpfDirective.Mechanism mechanism;
        try {
            mechanism = SpfDirective.Mechanism.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw SpfException.perm("unknown mechanism \"" + name + "\" (5)");
        }
        return switch (mechanism) {
            case ALL -> {
                if (!rest.isEmpty()) {
                    throw SpfException.perm("\"all\" takes no argument: " + term);
                }
                yield new SpfDirective(qualifier, mechanism, null, null, 32, 128);
            }
            case INCLUDE, EXISTS -> {
                if (!rest.startsWith(":") || rest.length() == 1) {
                    throw SpfException.perm(name + " needs a domain: " + term);
                }
                yield new SpfDirective(
                        qualifier, mechanism, checkDomainSpec(rest.substring(1)), null, 32, 128);
            }
            case PTR -> {
                String spec = null;
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":") || rest.length() == 1) {
                        throw SpfException.perm("bad ptr argument: " + term);
                    }
                    spec = checkDomainSpec(rest.substring(1));
                }
                yield new SpfDirective(qualifier, mechanism, spec, null, 32, 128);
            }
            case A, MX -> addressMechanism(qualifier, mechanism, rest, term);
            case IP4 -> network(qualifier, mechanism, rest, term, 32);
            case IP6 -> network(qualifier, mechanism, rest, term, 128);
        };
    }

    /** a and mx: [":" domain-spec] [dual-cidr-length] (5.3, 5.4). */
    private static SpfDirective addressMechanism(
            char qualifier, SpfDirective.Mechanism mechanism, String rest, String term)
            throws SpfException {
        // The CIDR suffix can only follow the last macro, so look for it after the last '}'.
        int macroEnd = rest.lastIndexOf('}') + 1;
        Matcher cidr = DUAL_CIDR.matcher(rest);
        cidr.region(macroEnd, rest.length());
        int cidrStart = rest.length();
        int ip4 = 32;
        int ip6 = 128;
        if (cidr.find()) {
            cidrStart = cidr.start();
            if (cidr.group(1) != null) {
                ip4 = Integer.parseInt(cidr.group(1));
            }
            if (cidr.group(2) != null) {
                ip6 = Integer.parseInt(cidr.group(2));
            }
        }
        if (ip4 > 32 || ip6 > 128) {
            throw SpfException.perm("CIDR length out of range: " + term);
        }
        String target = rest.substring(0, cidrStart);
        String spec = null;
        if (!target.isEmpty()) {
            if (!target.startsWith(":") || target.length() == 1) {
                throw SpfException.perm("bad " + term);
            }
            spec = checkDomainSpec(target.substring(1));
        }
        return new SpfDirective(qualifier, mechanism, spec, null, ip4, ip6);
    }

    private static SpfDirective network(
            char qualifier, SpfDirective.Mechanism mechanism, String rest, String term, int max)
            throws SpfException {
        if (!rest.startsWith(":")) {
            throw SpfException.perm("bad " + term);
        }
        String value = rest.substring(1);
        int prefix = max;
        int slash = value.indexOf('/');
        if (slash >= 0) {
            String len = value.substring(slash + 1);
            if (!len.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(len) > max) {
                throw SpfException.perm("bad CIDR length in " + term);
            }
            prefix = Integer.parseInt(len);
            value = value.substring(0, slash);
        }
        InetAddress address = max == 32 ? ip4(value) : ip6(value);
        if (address == null) {
            throw SpfException.perm("bad address in " + term);
        }
        return new SpfDirective(qualifier, mechanism, null, address, prefix, prefix);
    }

    /** A dotted-quad IPv4 address, strictly as ip4-network in 5.6; null if it is not one. */
    static InetAddress ip4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return byAddress(bytes);
    }

    /**
     * An IPv6 literal, kept as 16 bytes even when IPv4-mapped (the JDK would turn those into IPv4);
     * dnsjava's parser does no DNS lookup.
     */
    static InetAddress ip6(String text) {
        byte[] bytes = Address.toByteArray(text, Address.IPv6);
        if (bytes == null) {
            return null;
        }
        try {
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }

    /**
     * domain-spec = macro-string domain-end (7.1): after the macros, it must end in a macro or in
     * "." and a top label that is not all digits.
     */
    static String checkDomainSpec(String spec) throws SpfException {
        SpfMacro.checkSyntax(spec, false);
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        if (s.endsWith("}") || s.endsWith("%%") || s.endsWith("%_") || s.endsWith("%-")) {
            return spec;
        }
        int dot = s.lastIndexOf('.');
        String top = s.substring(dot + 1);
        if (dot < 0
                || !top.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")
                || top.matches("[0-9]+")) {
            throw SpfException.perm("bad domain-spec \"" + spec + "\" (7.1 domain-end)");
        }
        return spec;
    }
}
