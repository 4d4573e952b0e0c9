package io.sluice.reputation;

/** A reputation rule file or warm-up plan that cannot be used: the file, the line and the fix. */
public final class RuleFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public RuleFileException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
    }
}
