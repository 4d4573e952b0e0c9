package io.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: its subcommands run Sluice locally and operate it. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        version = "sluice 0.1.0",
        description = "Email delivery on Apache Flink.",
        subcommands = {
            LocalCommand.class,
            ProvidersCommand.class,
            ClassifyCommand.class,
            ConformanceCommand.class,
            SuppressCommand.class,
            DkimCommand.class,
            DomainCommand.class,
            SimulateCommand.class,
            OperatorCommands.Pause.class,
            OperatorCommands.Resume.class,
            OperatorCommands.Pool.class,
            OperatorCommands.Warmup.class
        })
public final class Sluice implements Runnable {

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Sluice()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
