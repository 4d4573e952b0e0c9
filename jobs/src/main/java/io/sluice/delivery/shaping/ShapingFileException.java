package io.sluice.delivery.shaping;

/** A shaping or response rule file that cannot be used, naming the file, the line and the fix. */
public final class ShapingFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ShapingFileException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
    }
}
