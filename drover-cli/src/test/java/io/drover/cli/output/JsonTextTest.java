package io.drover.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import tools.jackson.databind.json.JsonMapper;

class JsonTextTest {

    @Property(tries = 1000)
    void anyStringWithoutLoneSurrogatesReadsBackUnchanged(@ForAll String s) {
        boolean lone = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                lone = true;
            }
        }
        String json = JsonText.quote(new StringBuilder(), s).toString();
        assertThat(json).doesNotContain("\n").doesNotContain("\r");
        String back = JsonMapper.shared().readValue(json, String.class);
        if (!lone) {
            assertThat(back).isEqualTo(s);
        } else {
            assertThat(back).hasSize(s.length());
        }
    }
}
