package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** {@code rallypoint --version} prints the version of the build, as the pom names it. */
class RallypointVersionTest {

  @Test
  void printsThePomVersionAndTheCommit() throws Exception {
    // Given the version the launcher's pom inherits from its parent (surefire runs in the module's folder)
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String version = XPathFactory.newInstance().newXPath().evaluate("/project/parent/version", pom).trim();
    assertThat(version).isNotBlank();

    // When an operator asks for the version
    StringWriter out = new StringWriter();
    var cli = Rallypoint.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int exit = cli.execute("--version");

    // Then it is that version, with the commit when the build had git (this repository's build does)
    assertThat(exit).isZero();
    assertThat(out.toString().strip()).matches("rallypoint " + java.util.regex.Pattern.quote(version)
        + "( \\(commit [0-9a-f]{7,40}\\))?");
  }

  @Test
  void aBuildWithoutGitPrintsTheVersionAloneAndAnUnfilteredOneIsRefused() {
    assertThat(Rallypoint.Version.line("1.2.3", "")).isEqualTo("rallypoint 1.2.3");
    assertThat(Rallypoint.Version.line("1.2.3", "${git.commit}")).isEqualTo("rallypoint 1.2.3");
    assertThat(Rallypoint.Version.line("1.2.3", "abcdef123456")).isEqualTo("rallypoint 1.2.3 (commit abcdef123456)");
    assertThatThrownBy(() -> Rallypoint.Version.line("${project.version}", "abc"))
        .hasMessageContaining("was not filtered by the build");
  }
}
