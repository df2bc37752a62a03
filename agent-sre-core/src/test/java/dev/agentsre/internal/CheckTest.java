package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Check#notBlank}: its fast path (a visible ASCII first character) agrees with {@code isBlank}. */
class CheckTest {

    @Test
    void blankValuesAreRefusedWithTheParameterNameAndValue() {
        for (String blank : new String[] {"", " ", "\t\n", "\u2003", " \u2003 "}) {
            assertThatThrownBy(() -> Check.notBlank("agentId", blank)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("agentId must not be blank, got '" + blank + "'");
        }
        assertThatThrownBy(() -> Check.notBlank("agentId", null)).hasMessage("agentId must not be blank, got null");
    }

    @Test
    void valuesWithAVisibleCharacterAreAcceptedWhateverTheirFirstCharacter() {
        for (String value : new String[] {"a", "support-agent", " a", "\ta", "\u00e9t\u00e9", "\u2003x", "~", "\u00a0"}) {
            assertThat(Check.notBlank("agentId", value)).isSameAs(value);
        }
    }
}
