package io.drover.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that works on a set of hosts ({@code run}, {@code upload}, {@code sync}, {@code lock},
 * {@code download}): the host selection ({@link HostOptions}) and how to connect ({@link SshOptions}), which come
 * first in its options and help, in that order (picocli reads a superclass's fields before the subclass's).
 */
abstract class FleetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HostOptions hosts;

    @Mixin
    SshOptions ssh;

    /** What this command writes into the cluster lock files it holds: {@code drover} and the arguments as given. */
    String holderCommand() {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.root().commandLine().getParseResult().originalArgs();
        return ("drover " + String.join(" ", args)).strip();
    }
}
