package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.api.DroverEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keyboard-interactive with a challenge OpenSSH's PAM setup cannot send (two prompts, one echoed, with a name and an
 * instruction), from a MINA SSH server on a loopback socket: the {@link Prompter} sees each prompt with the server's
 * echo flag, right answers log in, a wrong one fails with {@link SshException.Kind#AUTH}, and no answer reaches an
 * event or an error message. ({@link KeyboardInteractivePamTest} does the same against OpenSSH and PAM.)
 */
class KeyboardInteractivePromptsTest {
    static final String TOKEN = "tok-4711-visible";
    static final String SECRET = "Kb-secret-Hq83z";
    static final String WRONG = "Kb-wrong-Pw61t";

    @TempDir
    static Path dir;
    static SshServer server;
    static Path config;

    record Asked(String prompt, boolean echo) {}

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair hostKey = g.generateKeyPair();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator(null);
        server.setPublickeyAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(new KeyboardInteractiveAuthenticator() {
            @Override
            public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
                    String subMethods) {
                InteractiveChallenge c = new InteractiveChallenge();
                c.setInteractionName("drover test login");
                c.setInteractionInstruction("Answer both.");
                c.addPrompt("Token: ", true);
                c.addPrompt("Password: ", false);
                return c;
            }

            @Override
            public boolean authenticate(ServerSession session, String username, List<String> responses) {
                return username.equals("alice") && responses.equals(List.of(TOKEN, SECRET));
            }
        });
        server.start();
        int port = server.getPort();
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic())
                + "\n", UTF_8);
        config = dir.resolve("config");
        Files.writeString(config, """
                Host kbd
                  HostName 127.0.0.1
                  Port %d
                  User alice
                  UserKnownHostsFile %s
                  GlobalKnownHostsFile /dev/null
                  StrictHostKeyChecking yes
                  IdentityAgent none
                  IdentitiesOnly yes
                  PreferredAuthentications keyboard-interactive
                  NumberOfPasswordPrompts 1
                  ConnectionAttempts 1
                """.formatted(port, knownHosts), UTF_8);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    /** A prompter that records what it is asked and answers {@code password} to the echo-off prompt. */
    static Prompter answering(List<Asked> asked, String password) {
        return (prompt, echo) -> {
            asked.add(new Asked(prompt, echo));
            return Optional.of((prompt.endsWith("Token: ") ? TOKEN : password).toCharArray());
        };
    }

    @Test
    void thePrompterSeesEachPromptWithTheServersEchoFlagAndRightAnswersLogIn() {
        List<Asked> asked = new CopyOnWriteArrayList<>();
        List<DroverEvent> events = new CopyOnWriteArrayList<>();
        try (Ssh ssh = Ssh.builder().configFile(config).prompter(answering(asked, SECRET)).listener(events::add)
                .build()) {
            SshConnection c = ssh.connect("kbd");
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(asked).containsExactly(new Asked("drover test login\nAnswer both.\nToken: ", true),
                new Asked("Password: ", false));
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain(SECRET));
    }

    @Test
    void aWrongAnswerFailsWithAnAuthErrorThatDoesNotContainTheAnswer() {
        List<Asked> asked = new CopyOnWriteArrayList<>();
        List<DroverEvent> events = new CopyOnWriteArrayList<>();
        try (Ssh ssh = Ssh.builder().configFile(config).prompter(answering(asked, WRONG)).listener(events::add)
                .build()) {
            assertThatThrownBy(() -> ssh.connect("kbd"))
                    .isInstanceOfSatisfying(SshException.class,
                            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH))
                    .hasMessageContaining("alice@").hasMessageContaining("(kbd)")
                    .satisfies(e -> assertThat(stackText(e)).doesNotContain(WRONG));
        }
        assertThat(asked).extracting(Asked::echo).containsExactly(true, false);
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain(WRONG));
    }

    /** Every message in the cause chain. */
    static String stackText(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }
}
