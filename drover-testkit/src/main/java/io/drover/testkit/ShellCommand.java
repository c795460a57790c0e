package io.drover.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An exec request or a shell on an embedded host: {@code /bin/sh -c COMMAND} (or {@code /bin/sh}, {@code -i} with a
 * pty) in its own session, with the host's home as working directory and {@code $HOME}. Standard output and standard
 * error stay separate; the exit status is the process's (128 + signal when a signal killed it).
 */
final class ShellCommand implements Command {
    private static final int BUFFER = 32 * 1024;

    private final EmbeddedHost host;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    /** {@code command} is null for a shell. */
    ShellCommand(EmbeddedHost host, String command) {
        this.host = host;
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        Map<String, String> clientEnv = env.getEnv();
        List<String> argv = new ArrayList<>();
        if (Reaper.SETSID) {
            argv.add("setsid");
        }
        argv.add("/bin/sh");
        if (command != null) {
            argv.add("-c");
            argv.add(command);
        } else if (clientEnv.containsKey(Environment.ENV_TERM)) {
            argv.add("-i");
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(host.homeDir().toFile());
        Map<String, String> penv = pb.environment();
        String path = penv.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        penv.clear();
        penv.putAll(clientEnv);
        penv.remove(Environment.ENV_USER); // MINA puts the user here; set it below like sshd does
        String user = channel.getSession().getUsername();
        penv.put("PATH", path);
        penv.put("HOME", host.homeDir().toString());
        penv.put("USER", user);
        penv.put("LOGNAME", user);
        penv.put("SHELL", "/bin/sh");
        penv.put("SSH_CONNECTION", "127.0.0.1 0 " + host.address() + " " + host.port());
        Process p = pb.start();
        process = p;
        host.commandStarted(p, command);
        Thread stdout = Thread.ofVirtual().name(host.name() + "-stdout").start(() -> pump(p.getInputStream(), out));
        Thread stderr = Thread.ofVirtual().name(host.name() + "-stderr").start(() -> pump(p.getErrorStream(), err));
        Thread.ofVirtual().name(host.name() + "-stdin").start(() -> pump(in, p));
        Thread.ofVirtual().name(host.name() + "-exit").start(() -> {
            int code;
            try {
                code = p.waitFor();
                stdout.join();
                stderr.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            host.commandEnded(p, command, code);
            exit.onExit(code);
        });
    }

    /** Copies until EOF, flushing each chunk; closes {@code from} (and {@code to} when it is the process's stdin). */
    private static void pump(InputStream from, OutputStream to) {
        byte[] buf = new byte[BUFFER];
        try (from) {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException ignored) {
            // the channel closed under us (host stopped or client gone), or the process exited
        }
    }

    private static void pump(InputStream from, Process to) {
        try (OutputStream stdin = to.getOutputStream()) {
            pump(from, stdin);
        } catch (IOException ignored) {
            // the process exited
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null && p.isAlive()) {
            EmbeddedHost.killTree(p.toHandle());
        }
    }
}
