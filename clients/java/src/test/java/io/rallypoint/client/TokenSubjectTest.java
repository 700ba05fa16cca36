package io.rallypoint.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenSubjectTest {

  private static String jwt(String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature";
  }

  @Test
  void the_user_is_the_tokens_subject() {
    assertThat(TokenSubject.of(jwt("{\"sub\":\"ana \u00e9\",\"exp\":1}"))).isEqualTo("ana \u00e9");
  }

  @Test
  void a_token_without_a_subject_is_refused_at_once() {
    assertThatThrownBy(() -> TokenSubject.of(jwt("{\"exp\":1}"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenSubject.of("not-a-jwt")).isInstanceOf(IllegalArgumentException.class);
  }
}
