package io.drover.ssh.internal.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code ssh-agent -D -a SOCKET} process for tests; {@link #close()} stops it. */
final class RealAgent implements AutoCloseable {
    final Path socket;
    private final Process process;

    RealAgent(Path socket) throws IOException, InterruptedException {
        this.socket = socket;
        this.process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                process.destroyForcibly();
                throw new IllegalStateException("ssh-agent did not create " + socket);
            }
            Thread.sleep(10); // polling for the socket the agent creates, with a deadline
        }
    }

    Map<String, String> env() {
        return Map.of("SSH_AUTH_SOCK", socket.toString());
    }

    /** ssh-add with this agent. */
    String add(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ssh-add";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Tools.Result r = Tools.run(env(), cmd);
        if (r.exit() != 0 && !(args.length > 0 && args[0].equals("-l") && r.exit() == 1)) {
            throw new IllegalStateException("ssh-add exited " + r.exit() + ": " + r.err());
        }
        return r.out() + r.err();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(socket);
    }
}
