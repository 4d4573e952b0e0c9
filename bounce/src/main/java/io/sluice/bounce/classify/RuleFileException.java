package io.sluice.bounce.classify;

/**
 * A rule file that cannot be loaded; the message names the file, the line and what was expected.
 */
public class RuleFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public RuleFileException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
    }

    public RuleFileException(String message) {
        super(message);
    }
}
