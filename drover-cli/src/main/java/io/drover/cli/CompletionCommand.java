package io.drover.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drover completion bash|zsh}: a completion script for the shell. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a completion script for bash or zsh (commands, options, option values, files).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(drover completion bash)            # this shell",
            "  drover completion bash > /etc/bash_completion.d/drover",
            "  drover completion zsh > ~/.zfunc/_drover    # with fpath+=(~/.zfunc)"
        })
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script can be made for. */
    enum Shell {
        bash,
        zsh
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash("drover", root);
        var out = spec.commandLine().getOut();
        if (shell == Shell.zsh) {
            // picocli's script runs in zsh through bashcompinit; load it when sourced from an fpath file too
            out.println("#compdef drover");
            out.println("autoload -U +X compinit && compinit");
            out.println("autoload -U +X bashcompinit && bashcompinit");
        }
        out.print(script);
        out.flush();
        return ExitCodes.OK;
    }
}
