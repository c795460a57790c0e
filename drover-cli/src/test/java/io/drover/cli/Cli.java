package io.drover.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs drover in-process with captured output and its own state directory. */
record Cli(CliEnv env) {
    /** A result of one drover invocation. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Cli in(Path stateHome) {
        return new Cli(new CliEnv(Map.of("XDG_STATE_HOME", stateHome.toString(), "HOME", stateHome.toString(),
                "PATH", System.getenv("PATH")), new ByteArrayInputStream(new byte[0]), false, false, false, false));
    }

    Cli stdin(String text) {
        return new Cli(env.withStdin(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(env, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
