package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The firewall's faster checks answer exactly as Spring Security's rules do. */
class FirewallTest {

  @Test
  void theFastChecksAgreeWithTheStrictRulesOnAnyText() {
    List<Predicate<String>> rules =
        List.of(
            StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES,
            StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES,
            StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES,
            StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_VALUES);
    Random random = new Random(7);
    for (Predicate<String> rule : rules) {
      Predicate<String> fast = Firewall.printableFirst(rule);
      assertThat(fast.test(null)).isEqualTo(rule.test(null));
      for (int i = 0; i < 50_000; i++) {
        StringBuilder text = new StringBuilder();
        for (int j = random.nextInt(40); j > 0; j--) {
          text.append(
              switch (random.nextInt(5)) {
                case 0 -> (char) random.nextInt(0x20); // controls, tab
                case 1 -> (char) (0x7f + random.nextInt(0x40)); // DEL, C1 controls, Latin-1
                case 2 -> (char) random.nextInt(0x10000); // anything, unassigned included
                default -> (char) (0x20 + random.nextInt(0x5f)); // printable ASCII
              });
        }
        String value = text.toString();
        assertThat(fast.test(value)).as(value).isEqualTo(rule.test(value));
      }
    }
  }
}
