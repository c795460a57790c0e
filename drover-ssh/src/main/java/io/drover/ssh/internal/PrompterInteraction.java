package io.drover.ssh.internal;

import io.drover.ssh.Prompter;
import io.drover.ssh.config.HostConfig;
import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;

/**
 * Password and keyboard-interactive answers from the {@link Prompter}, never from anywhere else. In BatchMode (or
 * with {@link Prompter#BATCH}) nothing is asked and those methods fail, as with {@code ssh -o BatchMode=yes}.
 */
final class PrompterInteraction implements UserInteraction {
    private final Prompter prompter;
    private final HostConfig config;

    PrompterInteraction(Prompter prompter, HostConfig config) {
        this.prompter = prompter;
        this.config = config;
    }

    @Override
    public boolean isInteractionAllowed(ClientSession session) {
        return !config.batchMode() && prompter != Prompter.BATCH;
    }

    @Override
    public String[] interactive(ClientSession session, String name, String instruction, String lang, String[] prompt,
            boolean[] echo) {
        if (!isInteractionAllowed(session)) {
            return null;
        }
        String header = (name == null || name.isBlank() ? "" : name + "\n")
                + (instruction == null || instruction.isBlank() ? "" : instruction + "\n");
        String[] answers = new String[prompt.length];
        for (int i = 0; i < prompt.length; i++) {
            Optional<char[]> a = prompter.ask((i == 0 ? header : "") + prompt[i], echo[i]);
            if (a.isEmpty()) {
                return null;
            }
            answers[i] = take(a.get());
        }
        return answers;
    }

    @Override
    public String resolveAuthPasswordAttempt(ClientSession session) {
        if (!isInteractionAllowed(session)) {
            return null;
        }
        return prompter.ask(config.user() + "@" + config.hostName() + "'s password: ", false).map(PrompterInteraction::take)
                .orElse(null);
    }

    @Override
    public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
        return null; // password changes are not supported: the method fails
    }

    private static String take(char[] chars) {
        String s = CharBuffer.wrap(chars).toString();
        Arrays.fill(chars, '\0');
        return s;
    }
}
