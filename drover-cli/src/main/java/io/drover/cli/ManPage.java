package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * drover(1) in troff (man macros), made from the command tree itself so it never drifts from {@code --help}: every
 * command with its description, options, arguments and examples, then exit status, environment and files.
 */
public final class ManPage {
    private ManPage() {}

    /** Writes the page to the file named by the first argument (the build's {@code prepare-package} step). */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(Main.commandLine()), UTF_8);
    }

    static String render(CommandLine root) {
        CommandSpec spec = root.getCommandSpec();
        String version = "drover";
        try {
            version = new Main.Version().getVersion()[0];
        } catch (Exception e) {
            // unknown version: the page says just "drover"
        }
        StringBuilder b = new StringBuilder();
        b.append(".TH DROVER 1 \"\" \"").append(esc(version)).append("\" \"User Commands\"\n");
        b.append(".SH NAME\n").append("drover \\- run work across fleets of machines over SSH\n");
        b.append(".SH SYNOPSIS\n.B drover\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n");
        b.append(".br\n.B drover\n[\\fB\\-h\\fR|\\fB\\-V\\fR]\n");
        b.append(".SH DESCRIPTION\n");
        for (String d : spec.usageMessage().description()) {
            b.append(text(d)).append('\n');
        }
        b.append(".PP\ndrover reads ~/.ssh/config, keys, the agent and known_hosts as \\fBssh\\fR(1) does and "
                + "verifies host keys strictly by default.\n");
        b.append(".SH COMMANDS\n");
        for (var e : root.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || e.getKey().equals("help")) {
                continue;
            }
            command(b, sub);
        }
        section(b, "EXIT STATUS", spec.usageMessage().footer(), "Exit codes:", "");
        b.append(".SH ENVIRONMENT\n");
        b.append(".TP\n.B NO_COLOR\nWhen set, no colours (as with \\fB\\-\\-color=never\\fR).\n");
        b.append(".TP\n.B XDG_STATE_HOME\nRun records go to \\fI$XDG_STATE_HOME/drover/runs\\fR.\n");
        b.append(".TP\n.B SSH_AUTH_SOCK\nThe ssh-agent to use, as for ssh.\n");
        b.append(".TP\n.B DROVER_DEBUG\nWhen set, internal errors print a stack trace.\n");
        b.append(".SH FILES\n");
        b.append(".TP\n.I ~/.ssh/config, /etc/ssh/ssh_config\nssh client configuration (see \\fBssh_config\\fR(5)).\n");
        b.append(".TP\n.I ~/.local/state/drover/runs/ID.json\nOne record per run: hosts, command, options, results.\n");
        b.append(".SH SEE ALSO\n\\fBssh\\fR(1), \\fBssh_config\\fR(5), \\fBpdsh\\fR(1), \\fBnodeset\\fR(1)\n");
        return b.toString();
    }

    private static void command(StringBuilder b, CommandSpec sub) {
        List<String> synopsis = new ArrayList<>();
        synopsis.add("drover " + sub.name());
        if (!sub.options().isEmpty()) {
            synopsis.add("[OPTIONS]");
        }
        for (PositionalParamSpec p : sub.positionalParameters()) {
            String label = p.paramLabel() + (p.isMultiValue() ? "..." : "");
            synopsis.add(p.arity().min() == 0 ? "[" + label + "]" : label);
        }
        b.append(".SS \"").append(esc(String.join(" ", synopsis))).append("\"\n");
        for (String d : sub.usageMessage().description()) {
            b.append(text(d)).append("\n.br\n");
        }
        for (PositionalParamSpec p : sub.positionalParameters()) {
            b.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n")
                    .append(text(String.join(" ", p.description()))).append('\n');
        }
        for (OptionSpec o : sub.options()) {
            if (o.hidden()) {
                continue;
            }
            b.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + esc(n) + "\\fR");
            }
            b.append(String.join(", ", names));
            if (o.arity().max() > 0 && !o.paramLabel().isEmpty() && o.type() != boolean.class
                    && o.type() != boolean[].class) {
                b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(text(String.join(" ", o.description()))).append('\n');
        }
        String[] footer = sub.usageMessage().footer();
        if (footer.length > 0) {
            b.append(".PP\nExamples:\n.RS\n.nf\n");
            for (String f : footer) {
                b.append(line(f.strip())).append('\n');
            }
            b.append(".fi\n.RE\n");
        }
    }

    private static void section(StringBuilder b, String title, String[] lines, String from, String until) {
        b.append(".SH ").append(title).append('\n');
        boolean in = false;
        for (String l : lines) {
            if (l.strip().equals(from)) {
                in = true;
                continue;
            }
            if (in && l.strip().equals(until)) {
                break;
            }
            if (in) {
                String s = l.strip();
                int sp = s.indexOf(' ');
                b.append(".TP\n.B ").append(esc(s.substring(0, sp))).append('\n')
                        .append(text(s.substring(sp).strip())).append('\n');
            }
        }
    }

    /** A paragraph of text: escaped, picocli's %n turned into line breaks. */
    private static String text(String s) {
        StringBuilder b = new StringBuilder();
        for (String part : s.split("%n", -1)) {
            if (!b.isEmpty()) {
                b.append("\n.br\n");
            }
            b.append(line(part));
        }
        return b.toString();
    }

    /** One output line: escaped, protected from being read as a request. */
    private static String line(String s) {
        String e = esc(s.replace("%%", "%"));
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    private static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }
}
