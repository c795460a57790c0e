package io.drover.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ScreenTest {

    @Test
    void linesFromManyThreadsAreNeverCutAndKeepTheirOrderPerThread() throws Exception {
        StringWriter out = new StringWriter();
        int threads = 8;
        int lines = 20_000;
        try (Screen screen = new Screen(out, new StringWriter(), false, false, 80, 1)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                char[] prefix = ("host" + t + " | ").toCharArray();
                String body = "x".repeat(10 + t * 37);
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < lines; i++) {
                        screen.outLine(prefix, i + " " + body);
                    }
                }));
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
        }
        String[] got = out.toString().split("\n", -1);
        assertThat(got).hasSize(threads * lines + 1);
        assertThat(got[got.length - 1]).isEmpty();
        Map<String, Integer> next = new HashMap<>();
        for (int i = 0; i < got.length - 1; i++) {
            String line = got[i];
            assertThat(line).matches("host\\d \\| \\d+ x+");
            String host = line.substring(0, line.indexOf(' '));
            int t = host.charAt(4) - '0';
            int n = Integer.parseInt(line.substring(line.indexOf("| ") + 2, line.lastIndexOf(' ')));
            assertThat(line.length() - line.lastIndexOf(' ') - 1).isEqualTo(10 + t * 37);
            assertThat(n).isEqualTo(next.getOrDefault(host, 0));
            next.put(host, n + 1);
        }
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWhole() {
        StringWriter out = new StringWriter();
        String huge = "y".repeat(200_000);
        try (Screen screen = Screen.plain(out, new StringWriter())) {
            screen.outLine("a");
            screen.outLine("h | ".toCharArray(), huge);
            screen.outLine("b");
        }
        assertThat(out.toString()).isEqualTo("a\nh | " + huge + "\nb\n");
    }

    @Test
    void theStatusLineIsErasedBeforeOutputAndRedrawnAfterIt() {
        // stdout and stderr on one terminal: writer order is what the user sees, so share one writer
        StringWriter tty = new StringWriter();
        try (Screen screen = new Screen(tty, tty, true, true, 40, 0)) {
            screen.status("3/10 done");
            screen.outLine("web1 | hello");
            screen.flush();
        }
        assertThat(tty.toString()).isEqualTo(
                "\r\033[2K3/10 done" + "\r\033[2K" + "web1 | hello\n" + "\r\033[2K3/10 done" + "\r\033[2K");
    }

    @Test
    void theStatusLineIsCutToTheTerminalWidth() {
        StringWriter tty = new StringWriter();
        try (Screen screen = new Screen(tty, tty, true, true, 20, 0)) {
            screen.status("0123456789012345678901234567890");
        }
        assertThat(tty.toString()).startsWith("\r\033[2K0123456789012345678\r");
    }

    @Test
    void noStatusLineIsDrawnWhenNotAllowed() {
        StringWriter err = new StringWriter();
        try (Screen screen = new Screen(new StringWriter(), err, false, false, 80, 0)) {
            screen.status("3/10 done");
            screen.err("drover: warning\n");
        }
        assertThat(err.toString()).isEqualTo("drover: warning\n");
    }
}
