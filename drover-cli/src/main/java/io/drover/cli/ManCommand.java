package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drover man}: the manual page, drover(1), in troff. */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = "Print drover's manual page (troff, for man(1)); the build also writes it to "
                + "drover-cli/target/drover.1.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover man | man -l -",
            "  drover man -o /usr/local/share/man/man1/drover.1"
        })
final class ManCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the page to FILE.")
    Path output;

    @Override
    public Integer call() throws Exception {
        String page = ManPage.render(spec.root().commandLine());
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, page, UTF_8);
        } else {
            var out = spec.commandLine().getOut();
            out.print(page);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
