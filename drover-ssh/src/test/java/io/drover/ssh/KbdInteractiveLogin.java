package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Run in a child JVM by {@link KeyboardInteractivePamTest} so that MINA's logging can be switched to TRACE into a file
 * for this one login: connects with a {@link Prompter} that answers from this process's stdin (one answer a line, so
 * that no secret is on a command line), then runs {@code id -un}.
 *
 * <p>Arguments: ssh_config file, destination, then {@code -o} style options as {@code Keyword=value}. Prints one line
 * per prompt ({@code PROMPT echo=B TEXT}, newlines as {@code \n}), per event ({@code EVENT ...}), and then
 * {@code LOGGED-IN-AS user} or {@code FAILED kind message}.
 */
public final class KbdInteractiveLogin {
    private KbdInteractiveLogin() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, UTF_8);
        Deque<String> answers = new ArrayDeque<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            answers.add(line);
        }
        Ssh.Builder b = Ssh.builder().configFile(Path.of(args[0])).listener(e -> out.println("EVENT " + e))
                .prompter((prompt, echo) -> {
                    out.println("PROMPT echo=" + echo + " " + prompt.replace("\n", "\\n"));
                    synchronized (answers) {
                        return Optional.ofNullable(answers.poll()).map(String::toCharArray);
                    }
                });
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            b.option(kv[0], kv[1]);
        }
        try (Ssh ssh = b.build(); SshConnection c = ssh.connect(args[1]);
                RemoteProcess p = c.start(CommandRequest.of("id -un"))) {
            String user = new String(p.stdout().readAllBytes(), UTF_8).strip();
            out.println("EXIT " + p.waitFor(Duration.ofSeconds(30)));
            out.println("LOGGED-IN-AS " + user);
        } catch (SshException e) {
            out.println("FAILED " + e.kind() + " " + e.getMessage());
        }
    }
}
