package dev.offload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.ConfigLoader;
import dev.offload.config.OffloadConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void the_start_up_line_names_the_tokens_and_their_scopes_but_never_a_secret() {
    String named = "ci-0123456789abcdef";
    OffloadConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "OFFLOAD_API_TOKEN",
                "legacy-s3cret",
                "OFFLOAD_HTTP_TOKENS",
                "{\"ci\": {\"token\": \"" + named + "\", \"scopes\": [\"read\", \"submit\"]}}"));

    String line = Main.startedMessage(config, 8080, List.of("noop"));

    assertTrue(
        line.contains("tokens: ci (read, submit), api_token (read, submit, work, admin, metrics)"),
        line);
    assertFalse(line.contains("legacy-s3cret") || line.contains(named), line);
  }

  @Test
  void without_tokens_the_start_up_line_says_every_route_is_open() {
    String line =
        Main.startedMessage(ConfigLoader.load(Optional.empty(), Map.of()), 8080, List.of("noop"));

    assertTrue(line.contains("tokens: none, every route is open"), line);
  }
}
