package io.sluice.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal; plain periodic lines when output is not a terminal. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private long lastPlainLine;

    ProgressBar(PrintStream out, long total) {
        this.out = out;
        this.terminal = System.console() != null;
        this.total = total;
    }

    void show(long done, String detail) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        String line =
                String.format(
                        "[%s%s] %d/%d %s",
                        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, detail);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
        } else if (System.nanoTime() - lastPlainLine > 5_000_000_000L || done == total) {
            out.println(line);
            lastPlainLine = System.nanoTime();
        }
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }
}
