package io.drover.cli;

import io.drover.core.hosts.HostRange;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code drover hosts}: what a host selection expands to, without connecting. */
@Command(name = "hosts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the hosts a selection expands to, one per line (nothing is connected to).",
            "Hosts are named as output and results name them: [user@]host[:port] as given, inventory hosts by "
                + "their inventory name."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover hosts -H 'web[01-16]' -x web07",
            "  drover hosts -H 'rack[1-2]-node[01-04]' -x rack2-node03 --fold",
            "      # prints rack1-node[01-04],rack2-node[01-02,04]",
            "  drover hosts -H 'db-*'       # globs match the Host names in ~/.ssh/config",
            "  drover hosts -i inventory.yml --limit 'web:&prod'",
            "  seq -f 'n%%02g' 1 8 | drover hosts --stdin-hosts --fold    # n[01-08]"
        })
final class HostsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HostOptions hosts;

    @Option(names = {"-F", "--ssh-config"}, paramLabel = "FILE",
            description = "The ssh_config whose Host names globs match ('none' for none). Default: ~/.ssh/config.")
    String configFile;

    @Option(names = "--fold", description = "Fold the hosts into ranges on one line, as nodeset -f does.")
    boolean fold;

    @Option(names = {"-c", "--count"}, description = "Print only how many hosts there are.")
    boolean count;

    @Override
    public Integer call() {
        hosts.validate();
        SshOptions ssh = new SshOptions();
        ssh.configFile = configFile;
        var config = Targets.sshConfig(ssh, main.env());
        Targets.printWarnings(config, spec.commandLine().getErr());
        List<Targets.Chosen> chosen = Targets.expand(hosts, null, config, main.env());
        var out = spec.commandLine().getOut();
        List<String> names = Targets.names(chosen);
        if (count) {
            out.println(names.size());
        } else if (fold) {
            out.println(HostRange.fold(names));
        } else {
            StringBuilder b = new StringBuilder(names.size() * 12);
            for (String n : names) {
                b.append(n).append('\n');
            }
            out.print(b);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
