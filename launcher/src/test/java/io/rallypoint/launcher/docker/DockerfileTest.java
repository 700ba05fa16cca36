package io.rallypoint.launcher.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile read as its instructions (there is no engine to build it here): the runtime
 * stage gets the services jar alone, without what `up` embeds, and runs it as a non-root user.
 */
class DockerfileTest {

  private static final Path DOCKERFILE = Path.of("..", "docker", "Dockerfile");
  private static final String JAR = "/app/rallypoint-services.jar";

  /** The instructions of each stage (continuation lines joined, comments dropped), one list per FROM. */
  private static List<List<String>> stages() throws IOException {
    List<List<String>> stages = new ArrayList<>();
    StringBuilder instruction = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      instruction.append(trimmed.endsWith("\\") ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!trimmed.endsWith("\\")) {
        String text = instruction.toString().strip().replaceAll("\\s+", " ");
        instruction.setLength(0);
        if (text.startsWith("FROM ")) {
          stages.add(new ArrayList<>());
        }
        stages.getLast().add(text);
      }
    }
    return stages;
  }

  @Test
  void the_build_stage_packages_only_the_services_jar() throws IOException {
    List<String> build = stages().getFirst();

    assertThat(build.getFirst()).startsWith("FROM eclipse-temurin:21-jdk AS build");
    assertThat(build).anySatisfy(i -> assertThat(i)
        .startsWith("RUN ").contains("./mvnw", "-pl launcher -am package", "-Drallypoint.jar.skip=true",
            "cp launcher/target/rallypoint-services.jar /rallypoint-services.jar"));
  }

  @Test
  void the_runtime_stage_copies_the_services_jar_and_nothing_else() throws IOException {
    List<List<String>> stages = stages();
    List<String> runtime = stages.getLast();

    assertThat(stages).hasSize(2);
    assertThat(runtime.getFirst()).isEqualTo("FROM eclipse-temurin:21-jre");
    assertThat(runtime.stream().filter(i -> i.startsWith("COPY ") || i.startsWith("ADD ")))
        .containsExactly("COPY --from=build --chown=root:root /rallypoint-services.jar " + JAR);
    assertThat(runtime).contains("USER rallypoint:rallypoint",
        "ENTRYPOINT [\"java\", \"--enable-native-access=ALL-UNNAMED\", \"-jar\", \"" + JAR + "\"]");
    assertThat(runtime).anySatisfy(i -> assertThat(i).startsWith("ENV ")
        .contains("JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError\""));
  }

  @Test
  void compose_runs_the_jar_the_image_has() throws IOException {
    String compose = Files.readString(DockerComposeIT.COMPOSE);

    assertThat(compose).contains("-jar " + JAR).doesNotContain("/app/rallypoint.jar");
  }
}
