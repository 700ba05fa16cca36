package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFormatTest {

  @Test
  void textAndJsonAreFormatsAndAnythingElseIsRefusedByName() {
    assertThat(LogFormat.problem(null)).isEmpty();
    assertThat(LogFormat.problem("text")).isEmpty();
    assertThat(LogFormat.problem("json")).isEmpty();
    assertThat(LogFormat.problem("JSON")).hasValueSatisfying(p -> assertThat(p)
        .contains("RALLYPOINT_LOG_FORMAT='JSON'").contains("text").contains("json"));
  }

  @Test
  void jsonPrintsOneObjectPerEventWithItsLevelLoggerAndMessage() throws Exception {
    String[] lines = log("json", "a message with \"quotes\"");
    assertThat(lines).hasSize(1);
    JsonNode event = new ObjectMapper().readTree(lines[0]);
    assertThat(event.path("level").asText()).isEqualTo("INFO");
    assertThat(event.path("loggerName").asText()).isEqualTo("io.rallypoint.launcher.LogFormatTest");
    assertThat(event.path("message").asText()).isEqualTo("a message with \"quotes\"");
  }

  @Test
  void textIsOneReadableLinePerEvent() throws Exception {
    String[] lines = log("text", "plain words");
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  .*LogFormatTest - plain words");
  }

  /** Configures a fresh logback context from the launcher's logback.xml and logs one event. */
  private static String[] log(String format, String message) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.putProperty(LogFormat.VARIABLE, format);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      context.getLogger(LogFormatTest.class).info(message);
    } finally {
      context.stop();
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toArray(String[]::new);
  }
}
