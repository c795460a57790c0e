package io.drover.cli.output;

import io.drover.api.HostResult;
import io.drover.api.Stream;
import java.util.OptionalInt;

/** How one output line of one host is written to the screen. Implementations are thread-safe. */
public sealed interface LineFormat permits LineFormat.Prefixed, LineFormat.Raw, LineFormat.Json {

    void line(Screen screen, String host, Stream stream, String line);

    /**
     * {@code host | line} for standard output and {@code host ! line} for standard error, both on drover's standard
     * output (so the two streams of a host stay in the order they arrived), names padded to the longest.
     */
    record Prefixed(HostTable table) implements LineFormat {
        @Override
        public void line(Screen screen, String host, Stream stream, String line) {
            HostTable.Prefix p = table.prefix(host);
            screen.outLine(stream == Stream.STDOUT ? p.out() : p.err(), line);
        }
    }

    /** The line alone: remote standard output to drover's standard output, remote standard error to its error. */
    record Raw() implements LineFormat {
        private static final char[] NONE = {};

        @Override
        public void line(Screen screen, String host, Stream stream, String line) {
            if (stream == Stream.STDOUT) {
                screen.outLine(line);
            } else {
                screen.errLine(NONE, line);
            }
        }
    }

    /**
     * One JSON object per line: {@code {"host":"web1","stream":"stdout","line":"..."}}; results as
     * {@code {"host":"web1","result":"failed","exit_code":2,"duration_ms":41,"error":"..."}}.
     */
    record Json() implements LineFormat {
        private static final ThreadLocal<StringBuilder> BUFFER = ThreadLocal.withInitial(() -> new StringBuilder(256));

        @Override
        public void line(Screen screen, String host, Stream stream, String line) {
            StringBuilder b = buffer();
            b.append("{\"host\":");
            JsonText.quote(b, host);
            b.append(stream == Stream.STDOUT ? ",\"stream\":\"stdout\",\"line\":" : ",\"stream\":\"stderr\",\"line\":");
            JsonText.quote(b, line);
            b.append("}\n");
            screen.out(b);
        }

        /** Writes the result object of one host. */
        public void result(Screen screen, HostResult<?> r) {
            StringBuilder b = buffer();
            b.append("{\"host\":");
            JsonText.quote(b, r.host());
            b.append(",\"result\":\"").append(Outcomes.kind(r)).append('"');
            OptionalInt code = Outcomes.exitCode(r);
            b.append(",\"exit_code\":");
            if (code.isPresent()) {
                b.append(code.getAsInt());
            } else {
                b.append("null");
            }
            var signal = Outcomes.signal(r);
            if (signal.isPresent()) {
                b.append(",\"signal\":");
                JsonText.quote(b, signal.get());
            }
            b.append(",\"duration_ms\":").append(r.duration().toMillis());
            String error = Outcomes.error(r);
            b.append(",\"error\":");
            if (error == null) {
                b.append("null");
            } else {
                JsonText.quote(b, error);
            }
            b.append("}\n");
            screen.out(b);
        }

        private static StringBuilder buffer() {
            StringBuilder b = BUFFER.get();
            if (b.capacity() > 1 << 16) {
                b = new StringBuilder(256);
                BUFFER.set(b);
            }
            b.setLength(0);
            return b;
        }
    }
}
