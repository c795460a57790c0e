package io.drover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;

/** Runs drover in-process with captured output, and looks at the machine's processes. */
record LabRun(int code, String out, String err) {

    static LabRun drover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new LabRun(code, out.toString(), err.toString());
    }

    /** PIDs and command lines of processes (other than this JVM) whose command line contains {@code text}. */
    static List<String> processesMentioning(String text) {
        Pattern p = Pattern.compile(Pattern.quote(text));
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
                .filter(c -> p.matcher(c).find())
                .toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
