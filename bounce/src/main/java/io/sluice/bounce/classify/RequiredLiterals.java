package io.sluice.bounce.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cheap necessary condition for a regex to find a match: the text contains at least one of a few
 * literal strings. A rule such as {@code /mailbox (is )?full|over ?quota/} can only match a text
 * that contains {@code "mailbox "} or {@code "over"}; {@link String#contains} rules that out with a
 * vectorised scan, where {@link java.util.regex.Matcher#find()} would try every alternative at
 * every position of the text (the bulk of the classifier's time on long bounce texts).
 *
 * <p>The analysis understands the subset of regex syntax that rule files and this module's patterns
 * use (literals, groups, alternation, quantifiers, small character classes, {@code \b}, escaped
 * punctuation, and a leading {@code (?i)}, {@code (?m)} or {@code (?s)} flag group). Anything else
 * makes it give up, and then {@link #mayMatch} always says yes: a wrong "no" would change a
 * verdict, a "yes" only costs the regex run it was meant to spare. Since each literal comes from a
 * part of the pattern every match must pass through, a "no" is never wrong.
 */
public final class RequiredLiterals {

    /** Above this many strings, a node's set of exact strings is dropped (it only gets slower). */
    private static final int MAX_EXACT = 64;

    private static final Pattern LEADING_FLAGS = Pattern.compile("\\(\\?([ims]+)\\)");

    private static final int UNBOUNDED = -1;
    private static final int MAX_BOUND = 1 << 20;
    // Windows pay off only when they cover much less than the text.
    private static final int MAX_WINDOWS = 32;

    private final Pattern pattern;
    // null when nothing is known: every text may match.
    private final String[] literals;
    // Under (?i) (ASCII only, as java.util.regex does without UNICODE_CASE) the literals are
    // lower-case ASCII and the text is folded the same way before the search.
    private final boolean asciiCaseInsensitive;
    // The longest match in chars, UNBOUNDED when not known (or when windows would be unsafe).
    private final int maxLength;

    private RequiredLiterals(
            Pattern pattern, String[] literals, boolean asciiCaseInsensitive, int maxLength) {
        this.pattern = pattern;
        this.literals = literals;
        this.asciiCaseInsensitive = asciiCaseInsensitive;
        this.maxLength = maxLength;
    }

    /** The literals every match of {@code pattern} contains one of. */
    public static RequiredLiterals of(Pattern pattern) {
        int flags = pattern.flags();
        // Flags that change what a literal in the pattern matches (or whether it is a literal).
        int unsupported =
                Pattern.UNICODE_CASE
                        | Pattern.COMMENTS
                        | Pattern.LITERAL
                        | Pattern.CANON_EQ
                        | Pattern.UNICODE_CHARACTER_CLASS;
        RequiredLiterals anything = new RequiredLiterals(pattern, null, false, UNBOUNDED);
        if ((flags & unsupported) != 0) {
            return anything;
        }
        boolean caseInsensitive = (flags & Pattern.CASE_INSENSITIVE) != 0;
        String body = pattern.pattern();
        Matcher leadingFlags = LEADING_FLAGS.matcher(body);
        if (leadingFlags.lookingAt()) {
            // (?m) and (?s) change what ^, $ and . match, which are not literals anyway.
            caseInsensitive |= leadingFlags.group(1).contains("i");
            body = body.substring(leadingFlags.end());
        }
        Node root;
        Analyser a = new Analyser(body, caseInsensitive);
        try {
            root = a.alternation();
            if (a.pos != body.length()) {
                return anything;
            }
        } catch (Unsupported e) {
            return anything;
        }
        Set<String> found = root.factors();
        if (found == null || found.isEmpty() || found.contains("")) {
            return anything;
        }
        return new RequiredLiterals(
                pattern,
                minimal(found),
                caseInsensitive,
                a.possessive ? UNBOUNDED : root.maxLength());
    }

    /**
     * Exactly {@code pattern.matcher(text).find()}, usually much faster: false at once when the
     * text lacks every literal; otherwise, when a match cannot be longer than some bound, the
     * pattern runs only in windows of that size around each occurrence of a literal (any match
     * contains one and fits in its window) instead of from every position of the text. The windows
     * see the text around them (transparent bounds), and their edges are no line or input edges for
     * ^ and $ (no anchoring bounds), so a match in one is a match in the text.
     */
    public boolean find(String text) {
        if (literals == null) {
            return pattern.matcher(text).find();
        }
        String folded = asciiCaseInsensitive ? asciiLower(text) : text;
        int n = text.length();
        if (maxLength == UNBOUNDED || n <= 4 * maxLength) {
            return mayMatchFolded(folded) && pattern.matcher(text).find();
        }
        long[] windows = new long[MAX_WINDOWS];
        int count = 0;
        for (String l : literals) {
            for (int i = folded.indexOf(l); i >= 0; i = folded.indexOf(l, i + 1)) {
                if (count == MAX_WINDOWS) {
                    return pattern.matcher(text).find();
                }
                long start = Math.max(0, i + l.length() - maxLength);
                long end = Math.min(n, i + maxLength);
                windows[count++] = start << 32 | end;
            }
        }
        if (count == 0) {
            return false;
        }
        Arrays.sort(windows, 0, count);
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        int from = (int) (windows[0] >>> 32);
        int to = (int) windows[0];
        for (int w = 1; w <= count; w++) {
            int start = w < count ? (int) (windows[w] >>> 32) : Integer.MAX_VALUE;
            if (start <= to) {
                to = Math.max(to, (int) windows[w]);
                continue;
            }
            m.region(from, to);
            if (m.find()) {
                return true;
            }
            if (w < count) {
                from = start;
                to = (int) windows[w];
            }
        }
        return false;
    }

    /** Whether the regex may find a match in {@code text}; false only when it certainly cannot. */
    public boolean mayMatch(CharSequence text) {
        if (literals == null) {
            return true;
        }
        String s = asciiCaseInsensitive ? asciiLower(text) : text.toString();
        for (String l : literals) {
            if (s.contains(l)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Like {@link #mayMatch} on a text already folded by {@link #asciiLower} if the pattern is
     * case-insensitive: several patterns over one text then share one folding.
     */
    public boolean mayMatchFolded(String text) {
        if (literals == null) {
            return true;
        }
        for (String l : literals) {
            if (text.contains(l)) {
                return true;
            }
        }
        return false;
    }

    /** Whether nothing is known, so that every text may match. */
    public boolean unconstrained() {
        return literals == null;
    }

    /** The literals, one of which every match contains; empty when unconstrained. */
    public List<String> literals() {
        return literals == null ? List.of() : List.of(literals);
    }

    /** ASCII letters lower-cased, every other character kept: how (?i) compares. */
    public static String asciiLower(CharSequence text) {
        int n = text.length();
        int i = 0;
        while (i < n && !isAsciiUpper(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text.toString();
        }
        char[] out = new char[n];
        for (int j = 0; j < n; j++) {
            char c = text.charAt(j);
            out[j] = isAsciiUpper(c) ? (char) (c + ('a' - 'A')) : c;
        }
        return new String(out);
    }

    private static boolean isAsciiUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** Drops a literal that contains another one: finding the shorter is already enough. */
    private static String[] minimal(Set<String> found) {
        List<String> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(String::length));
        List<String> kept = new ArrayList<>();
        for (String s : sorted) {
            if (kept.stream().noneMatch(s::contains)) {
                kept.add(s);
            }
        }
        return kept.toArray(String[]::new);
    }

    @Override
    public String toString() {
        return literals == null ? "RequiredLiterals[any]" : "RequiredLiterals" + literals();
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * What is known about the strings a part of the pattern matches: {@code exact}, a finite
     * superset of them (null when too many or unbounded); {@code knownFactors}, strings one of
     * which each of them contains (null when none is known).
     */
    private record Node(Set<String> exact, Set<String> knownFactors, int maxLength) {

        static Node of(Set<String> exact, int maxLength) {
            return new Node(exact, null, maxLength);
        }

        /** One character of a class, or '.': up to two chars (a surrogate pair). */
        static final Node ANY_CHAR = new Node(null, null, 2);

        /** Nothing known, and no bound on the length. */
        static final Node UNKNOWN = new Node(null, null, UNBOUNDED);

        Set<String> factors() {
            if (exact != null) {
                return exact.contains("") ? null : exact;
            }
            return knownFactors;
        }
    }

    /** A recursive-descent reading of the pattern into {@link Node}s. */
    private static final class Analyser {
        private final String p;
        private final boolean caseInsensitive;
        int pos;
        // A possessive quantifier may fail on the whole text where it succeeds on a window of it.
        boolean possessive;

        private static int plus(int a, int b) {
            return a == UNBOUNDED || b == UNBOUNDED || (long) a + b > MAX_BOUND ? UNBOUNDED : a + b;
        }

        private static int times(int n, int length) {
            return length == UNBOUNDED || (long) n * length > MAX_BOUND ? UNBOUNDED : n * length;
        }

        Analyser(String pattern, boolean caseInsensitive) {
            this.p = pattern;
            this.caseInsensitive = caseInsensitive;
        }

        Node alternation() {
            List<Node> branches = new ArrayList<>();
            branches.add(sequence());
            while (pos < p.length() && p.charAt(pos) == '|') {
                pos++;
                branches.add(sequence());
            }
            if (branches.size() == 1) {
                return branches.get(0);
            }
            Set<String> exact = new LinkedHashSet<>();
            Set<String> factors = new LinkedHashSet<>();
            int maxLength = 0;
            for (Node b : branches) {
                maxLength =
                        maxLength == UNBOUNDED || b.maxLength() == UNBOUNDED
                                ? UNBOUNDED
                                : Math.max(maxLength, b.maxLength());
                if (exact != null) {
                    if (b.exact() == null) {
                        exact = null;
                    } else {
                        exact.addAll(b.exact());
                        if (exact.size() > MAX_EXACT) {
                            exact = null;
                        }
                    }
                }
                Set<String> f = b.factors();
                if (factors != null) {
                    if (f == null) {
                        factors = null;
                    } else {
                        factors.addAll(f);
                    }
                }
            }
            return new Node(exact, factors, maxLength);
        }

        Node sequence() {
            // Runs of parts with known exact strings are multiplied out into longer literals
            // ("mailbox " x {"", "is "} x {"full", "over quota"}); each run, and each other
            // part's own factors, is a candidate; the candidate whose shortest string is longest
            // is kept, as the one least often found by chance.
            List<Set<String>> candidates = new ArrayList<>();
            Set<String> run = Set.of("");
            boolean allExact = true;
            int maxLength = 0;
            while (pos < p.length() && p.charAt(pos) != '|' && p.charAt(pos) != ')') {
                Node part = quantified(atom());
                maxLength = plus(maxLength, part.maxLength());
                if (part.exact() != null) {
                    Set<String> product = product(run, part.exact());
                    if (product == null) {
                        allExact = false;
                        candidates.add(run);
                        run = part.exact();
                    } else {
                        run = product;
                    }
                } else {
                    allExact = false;
                    candidates.add(run);
                    if (part.factors() != null) {
                        candidates.add(part.factors());
                    }
                    run = Set.of("");
                }
            }
            if (allExact) {
                return Node.of(run, maxLength);
            }
            candidates.add(run);
            Set<String> best = null;
            int bestLength = 0;
            for (Set<String> c : candidates) {
                if (c.isEmpty()) {
                    continue;
                }
                int shortest = c.stream().mapToInt(String::length).min().orElse(0);
                if (shortest > bestLength) {
                    best = c;
                    bestLength = shortest;
                }
            }
            return new Node(null, best, maxLength);
        }

        private static Set<String> product(Set<String> left, Set<String> right) {
            if ((long) left.size() * right.size() > MAX_EXACT) {
                return null;
            }
            Set<String> out = new LinkedHashSet<>();
            for (String l : left) {
                for (String r : right) {
                    out.add(l + r);
                }
            }
            return out;
        }

        Node quantified(Node atom) {
            if (pos >= p.length()) {
                return atom;
            }
            char c = p.charAt(pos);
            int min;
            int max;
            if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '*') {
                min = 0;
                max = UNBOUNDED;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = UNBOUNDED;
                pos++;
            } else if (c == '{') {
                int close = p.indexOf('}', pos);
                if (close < 0) {
                    throw new Unsupported();
                }
                String range = p.substring(pos + 1, close);
                if (!range.matches("\\d{1,4}(,\\d{0,4})?")) {
                    throw new Unsupported();
                }
                int comma = range.indexOf(',');
                if (comma < 0) {
                    min = Integer.parseInt(range);
                    max = min;
                } else {
                    min = Integer.parseInt(range.substring(0, comma));
                    max =
                            comma == range.length() - 1
                                    ? UNBOUNDED
                                    : Integer.parseInt(range.substring(comma + 1));
                }
                pos = close + 1;
            } else {
                return atom;
            }
            // A lazy or possessive quantifier matches the same strings or fewer.
            if (pos < p.length() && (p.charAt(pos) == '?' || p.charAt(pos) == '+')) {
                possessive |= p.charAt(pos) == '+';
                pos++;
            }
            int maxLength = max == UNBOUNDED ? UNBOUNDED : times(max, atom.maxLength());
            if (min == 0 && max == 1 && atom.exact() != null) {
                Set<String> exact = new LinkedHashSet<>(atom.exact());
                exact.add("");
                return Node.of(exact, maxLength);
            }
            if (min == 0) {
                return new Node(null, null, maxLength);
            }
            if (min == max && atom.exact() != null) {
                Set<String> exact = Set.of("");
                for (int i = 0; i < min && exact != null; i++) {
                    exact = product(exact, atom.exact());
                }
                if (exact != null) {
                    return Node.of(exact, maxLength);
                }
            }
            // At least one repetition: each match contains one of the atom's.
            return new Node(null, atom.factors(), maxLength);
        }

        Node atom() {
            char c = p.charAt(pos);
            switch (c) {
                case '(' -> {
                    pos++;
                    if (p.startsWith("?:", pos)) {
                        pos += 2;
                    } else if (pos < p.length() && p.charAt(pos) == '?') {
                        // Lookaround, named group, inline flags: not analysed.
                        throw new Unsupported();
                    }
                    Node inner = alternation();
                    if (pos >= p.length() || p.charAt(pos) != ')') {
                        throw new Unsupported();
                    }
                    pos++;
                    return inner;
                }
                case '[' -> {
                    return characterClass();
                }
                case '.' -> {
                    pos++;
                    return Node.ANY_CHAR;
                }
                case '^', '$' -> {
                    pos++;
                    return Node.of(Set.of(""), 0);
                }
                case '\\' -> {
                    return escape();
                }
                case '*', '+', '?', '{', '}', ']', ')', '|' -> throw new Unsupported();
                default -> {
                    pos++;
                    return Node.of(Set.of(literal(c)), 1);
                }
            }
        }

        private Node escape() {
            if (pos + 1 >= p.length()) {
                throw new Unsupported();
            }
            char e = p.charAt(pos + 1);
            pos += 2;
            if (e == 'b' || e == 'B') {
                // An assertion matches no characters: as far as literals go, the empty string.
                return Node.of(Set.of(""), 0);
            }
            if (e == 'd') {
                return Node.of(digits(), 1);
            }
            if (e == 's' || e == 'w' || e == 'S' || e == 'W' || e == 'D') {
                return Node.ANY_CHAR;
            }
            if (isEscapedLiteral(e)) {
                return Node.of(Set.of(literal(e)), 1);
            }
            throw new Unsupported();
        }

        private static boolean isEscapedLiteral(char e) {
            // Punctuation only: a backslash before it always means the character itself.
            return e < 128 && !Character.isLetterOrDigit(e) && e != ' ';
        }

        private static Set<String> digits() {
            Set<String> d = new LinkedHashSet<>();
            for (char c = '0'; c <= '9'; c++) {
                d.add(String.valueOf(c));
            }
            return d;
        }

        /** A class of at most a few single characters becomes their set; others unknown. */
        private Node characterClass() {
            pos++; // '['
            boolean negated = false;
            if (pos < p.length() && p.charAt(pos) == '^') {
                negated = true;
                pos++;
            }
            if (pos < p.length() && p.charAt(pos) == ']') {
                throw new Unsupported();
            }
            Set<String> chars = new LinkedHashSet<>();
            boolean known = true;
            while (true) {
                if (pos >= p.length()) {
                    throw new Unsupported();
                }
                char c = p.charAt(pos);
                if (c == ']') {
                    pos++;
                    break;
                }
                if (c == '[' || p.startsWith("&&", pos)) {
                    throw new Unsupported();
                }
                char from;
                if (c == '\\') {
                    if (pos + 1 >= p.length()) {
                        throw new Unsupported();
                    }
                    char e = p.charAt(pos + 1);
                    pos += 2;
                    if (e == 'd') {
                        chars.addAll(digits());
                        continue;
                    }
                    if (e == 's' || e == 'w' || e == 'S' || e == 'W' || e == 'D') {
                        known = false;
                        continue;
                    }
                    if (!isEscapedLiteral(e)) {
                        throw new Unsupported();
                    }
                    from = e;
                } else {
                    from = c;
                    pos++;
                }
                if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                    char to = p.charAt(pos + 1);
                    if (to == '\\' || to == '[') {
                        throw new Unsupported();
                    }
                    pos += 2;
                    if (to < from) {
                        throw new Unsupported();
                    }
                    if (to - from > MAX_EXACT) {
                        known = false;
                        continue;
                    }
                    for (char x = from; x <= to; x++) {
                        chars.add(literal(x));
                    }
                } else {
                    chars.add(literal(from));
                }
            }
            if (negated || !known || chars.size() > 12) {
                return Node.ANY_CHAR;
            }
            return Node.of(chars, 1);
        }

        private String literal(char c) {
            if (caseInsensitive && c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            return String.valueOf(c);
        }
    }
}
