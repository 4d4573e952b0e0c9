package io.sluice.sim.profile;

/**
 * A profile file that does not parse: the message names the file, the line and what was expected.
 */
public final class ProfileFileException extends RuntimeException {

    public ProfileFileException(String file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
    }
}
