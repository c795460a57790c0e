package io.drover.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteEnvTest {

    @Test
    void parsesNulSeparatedEnvWithNewlinesInValues() {
        assertThat(RemoteEnv.parse("HOME=/root\0MULTI=a\nb=c\0EMPTY=\0"))
                .containsExactly(Map.entry("HOME", "/root"), Map.entry("MULTI", "a\nb=c"), Map.entry("EMPTY", ""));
    }

    @Test
    void parsesPlainEnvJoiningContinuationLines() {
        assertThat(RemoteEnv.parse("HOME=/root\nMULTI=a\nsecond line\nX=1=2\n"))
                .containsExactly(Map.entry("HOME", "/root"), Map.entry("MULTI", "a\nsecond line"), Map.entry("X", "1=2"));
    }

    @Test
    void expandsDollarNameAndBracedNameFromTheLookup() {
        Map<String, String> env = Map.of("HOME", "/root", "USER", "root", "A_1", "x");
        assertThat(RemoteEnv.expand("$HOME/${USER}:$A_1-$MISSING.$", env::get)).isEqualTo("/root/root:x-.$");
    }

    @Test
    void doubleDollarIsALiteralDollarAndOtherDollarsStay() {
        assertThat(RemoteEnv.expand("cost $$5 $1 $ x", n -> "V")).isEqualTo("cost $5 $1 $ x");
    }

    @Test
    void malformedBracesAreRefusedNamingTheText() {
        assertThatThrownBy(() -> RemoteEnv.expand("a ${HOME", n -> "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a ${HOME\"");
        assertThatThrownBy(() -> RemoteEnv.expand("${1x}", n -> "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("${1x}");
    }

    @Test
    void namesArePortableIdentifiers() {
        assertThat(RemoteEnv.isName("_A9")).isTrue();
        assertThat(RemoteEnv.isName("9A")).isFalse();
        assertThat(RemoteEnv.isName("A-B")).isFalse();
        assertThat(RemoteEnv.isName("é")).isFalse();
        assertThat(RemoteEnv.isName("")).isFalse();
    }
}
