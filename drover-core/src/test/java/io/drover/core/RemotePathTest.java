package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RemotePathTest {

    @Test
    void isKeptInNormalForm() {
        assertThat(RemotePath.of("//srv/./app//current/").path()).isEqualTo("/srv/app/current");
        assertThat(RemotePath.of("/").path()).isEqualTo("/");
        assertThat(RemotePath.of("/a/../b").path()).isEqualTo("/a/../b");
    }

    @Test
    void aRelativePathIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> RemotePath.of("srv/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remote path (srv/app) must be absolute, like /srv/app");
        assertThatThrownBy(() -> RemotePath.of("~/app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(~/app)").hasMessageContaining("home()");
        assertThatThrownBy(() -> Upload.of(java.nio.file.Path.of("x"), "relative/target"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(relative/target)");
    }

    @Test
    void resolvesRelativePathsOnly() {
        assertThat(RemotePath.of("/srv").resolve("app/conf.yml")).isEqualTo(RemotePath.of("/srv/app/conf.yml"));
        assertThat(RemotePath.of("/").resolve("etc")).isEqualTo(RemotePath.of("/etc"));
        assertThatThrownBy(() -> RemotePath.of("/srv").resolve("/etc")).hasMessageContaining("(/etc)");
    }

    @Test
    void hasParentAndFileName() {
        RemotePath p = RemotePath.of("/srv/app");
        assertThat(p.fileName()).isEqualTo("app");
        assertThat(p.parent()).contains(RemotePath.of("/srv"));
        assertThat(RemotePath.of("/srv").parent()).contains(RemotePath.of("/"));
        assertThat(RemotePath.of("/").parent()).isEmpty();
        assertThat(RemotePath.of("/").fileName()).isEmpty();
    }

    @Test
    void nulIsRefused() {
        assertThatThrownBy(() -> RemotePath.of("/a\0b")).hasMessageContaining("NUL");
    }
}
