package io.drover.ssh.internal;

import io.drover.ssh.Ssh;
import java.nio.file.Path;
import org.apache.sshd.common.kex.KexProposalOption;

/**
 * Run in a child JVM by {@link CipherChoiceTest}, with the JIT flags under test: connects to a host and prints what
 * this JVM decided ({@code fastAes=true|false}) and the client-to-server cipher the session negotiated.
 *
 * <p>Arguments: ssh_config file, destination, then {@code -o} style options as {@code Keyword=value}.
 */
public final class NegotiatedCipher {
    private NegotiatedCipher() {}

    public static void main(String[] args) {
        Ssh.Builder b = Ssh.builder().configFile(Path.of(args[0]));
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            b.option(kv[0], kv[1]);
        }
        try (Ssh ssh = b.build()) {
            MinaConnection c = (MinaConnection) ssh.connect(args[1]);
            System.out.println("fastAes=" + FastAesGcm.available());
            System.out.println("cipher=" + c.session().getNegotiatedKexParameter(KexProposalOption.C2SENC));
        }
    }
}
