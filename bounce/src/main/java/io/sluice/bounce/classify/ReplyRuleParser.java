package io.sluice.bounce.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads a bounce rule file (format in docs/design/bounce-classification.md) into typed rules, one
 * per non-blank, non-comment line, in file order.
 *
 * <pre>
 * # reason     conditions (all must hold)                 [-> action]
 * speeding     code=421 status=4.7.28 text=/unusual rate/  -> throttle
 * </pre>
 */
public final class ReplyRuleParser {

    // Only these reasons can ever be hard (BounceClass), so only they may ask for suppression.
    private static final Set<Reason> MAY_SUPPRESS =
            Set.of(Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED, Reason.NOTACCEPT);

    private ReplyRuleParser() {}

    public static List<ReplyRule> parse(String file, String content) {
        List<ReplyRule> rules = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            rules.add(parseLine(file, i + 1, line));
        }
        return List.copyOf(rules);
    }

    private static ReplyRule parseLine(String file, int lineNo, String line) {
        String origin = file + ":" + lineNo;
        Optional<BounceAction> action = Optional.empty();
        int arrow = arrowIndex(line);
        String conditions = line;
        if (arrow >= 0) {
            String name = line.substring(arrow + 2).strip();
            action =
                    Optional.of(
                            BounceAction.byId(name)
                                    .orElseThrow(
                                            () ->
                                                    new RuleFileException(
                                                            file,
                                                            lineNo,
                                                            "action \""
                                                                    + name
                                                                    + "\" -- expected one of "
                                                                    + ids(BounceAction.values()))));
            conditions = line.substring(0, arrow).strip();
        }
        int space = indexOfWhitespace(conditions);
        String reasonId = space < 0 ? conditions : conditions.substring(0, space);
        Reason reason =
                Reason.byId(reasonId)
                        .orElseThrow(
                                () ->
                                        new RuleFileException(
                                                file,
                                                lineNo,
                                                "reason \""
                                                        + reasonId
                                                        + "\" -- expected one of "
                                                        + ids(Reason.values())));
        if (action.isPresent()
                && action.get() == BounceAction.SUPPRESS
                && !MAY_SUPPRESS.contains(reason)) {
            throw new RuleFileException(
                    file,
                    lineNo,
                    "action suppress for reason "
                            + reason.id()
                            + " -- only userunknown, hostunknown, hasmoved and notaccept may"
                            + " suppress an address");
        }

        Optional<ReplyCodePattern> code = Optional.empty();
        Optional<StatusPattern> status = Optional.empty();
        Optional<Pattern> text = Optional.empty();
        Optional<Set<SmtpCommand>> command = Optional.empty();
        String rest = space < 0 ? "" : conditions.substring(space).strip();
        while (!rest.isEmpty()) {
            int eq = rest.indexOf('=');
            if (eq <= 0) {
                throw new RuleFileException(
                        file,
                        lineNo,
                        "\""
                                + rest
                                + "\" -- expected code=..., status=..., text=/.../, command=..."
                                + " or -> action");
            }
            String key = rest.substring(0, eq);
            String after = rest.substring(eq + 1);
            String value;
            if (key.equals("text")) {
                int end = closingSlash(after);
                if (!after.startsWith("/") || end < 0) {
                    throw new RuleFileException(
                            file,
                            lineNo,
                            "text must be a regular expression between slashes: /.../");
                }
                value = after.substring(1, end);
                rest = after.substring(end + 1).strip();
            } else {
                int sp = indexOfWhitespace(after);
                value = sp < 0 ? after : after.substring(0, sp);
                rest = sp < 0 ? "" : after.substring(sp).strip();
            }
            try {
                switch (key) {
                    case "code" -> code = Optional.of(new ReplyCodePattern(value));
                    case "status" -> status = Optional.of(new StatusPattern(value));
                    case "text" -> text = Optional.of(compile(value));
                    case "command" -> command = Optional.of(commands(value));
                    default ->
                            throw new IllegalArgumentException(
                                    "condition \""
                                            + key
                                            + "\" -- expected code, status, text or command");
                }
            } catch (PatternSyntaxException e) {
                throw new RuleFileException(
                        file,
                        lineNo,
                        "text /" + value + "/ is not a valid regex: " + e.getDescription());
            } catch (IllegalArgumentException e) {
                throw new RuleFileException(file, lineNo, e.getMessage());
            }
        }
        if (code.isEmpty() && status.isEmpty() && text.isEmpty() && command.isEmpty()) {
            throw new RuleFileException(
                    file,
                    lineNo,
                    "rule for "
                            + reason.id()
                            + " has no condition -- expected code=, status=, text= or command=");
        }
        return new ReplyRule(reason, code, status, text, command, action, origin);
    }

    /** {@code RCPT}, or several joined by {@code |}: {@code DATA|UNKNOWN}. */
    private static Set<SmtpCommand> commands(String value) {
        Set<SmtpCommand> set = EnumSet.noneOf(SmtpCommand.class);
        for (String id : value.split("\\|", -1)) {
            set.add(
                    SmtpCommand.byId(id)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "command \""
                                                            + id
                                                            + "\" -- expected one or more of"
                                                            + " CONNECT, HELO, MAIL, RCPT, DATA,"
                                                            + " UNKNOWN joined by |")));
        }
        return Set.copyOf(set);
    }

    private static Pattern compile(String regex) {
        // A slash inside the regex is written \/ in the file.
        // Matching is case-insensitive: the classifier lower-cases the text once, and the regex is
        // lower-cased here (letters after a backslash are escapes and keep their case). A
        // case-insensitive flag would fold every character at every position instead, several
        // times slower on the long texts bounces carry.
        return Pattern.compile(lowerOutsideEscapes(regex.replace("\\/", "/")));
    }

    private static String lowerOutsideEscapes(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
            } else {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** The "->" that starts the action, ignoring any inside a text regex. */
    private static int arrowIndex(String line) {
        boolean inRegex = false;
        for (int i = 0; i < line.length() - 1; i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '/' && (inRegex || (i > 0 && line.charAt(i - 1) == '='))) {
                inRegex = !inRegex;
            } else if (!inRegex && c == '-' && line.charAt(i + 1) == '>') {
                return i;
            }
        }
        return -1;
    }

    private static int closingSlash(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '/') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String ids(Enum<?>[] values) {
        return Arrays.stream(values)
                .map(v -> v instanceof Reason r ? r.id() : ((BounceAction) v).id())
                .collect(Collectors.joining(", "));
    }
}
