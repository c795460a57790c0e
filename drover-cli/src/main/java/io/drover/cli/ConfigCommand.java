package io.drover.cli;

import io.drover.ssh.SshException;
import io.drover.ssh.config.ConfigWarning;
import io.drover.ssh.config.SshConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code drover config}: the options drover resolves for one host, as {@code ssh -G} prints them. */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the ssh options drover uses for HOST, in the format of 'ssh -G HOST'.",
            "Reads ~/.ssh/config and /etc/ssh/ssh_config as ssh does, or only -F FILE."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover config web1",
            "  drover config -F ./ssh_config -o User=deploy web1 | grep '^user '",
            "  diff <(drover config web1) <(ssh -G web1)"
        })
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    SshOptions ssh;

    @Parameters(paramLabel = "HOST", description = "A destination: [user@]host[:port] (an ssh_config alias, a name "
            + "or an address).")
    String host;

    @Override
    public Integer call() {
        SshConfig config = Targets.sshConfig(ssh, main.env());
        String text;
        try {
            text = SshConfig.formatSshG(config.resolve(host));
        } catch (SshException e) {
            throw new UsageException(e.getMessage(), e);
        }
        var err = spec.commandLine().getErr();
        for (ConfigWarning w : config.warnings()) {
            err.println("drover: warning: " + w);
        }
        err.flush();
        var out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }
}
