package io.rallypoint.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What an app links stays small: the JDK and Jackson, nothing of the server; no package cycles. */
class PackageRulesTest {

  private static final JavaClasses CLIENT = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPath(Path.of("target", "classes"));

  @Test
  void theClientUsesNothingButTheJdkAndJackson() {
    assertThat(CLIENT.contain(RallypointClient.class)).as("the client's classes were read").isTrue();
    classes().should().onlyDependOnClassesThat()
        .resideInAnyPackage("io.rallypoint.client..", "java..", "com.fasterxml.jackson..")
        .check(CLIENT);
  }

  @Test
  void noTwoPackagesImportEachOther() {
    slices().matching("io.rallypoint.client.(*)..").should().beFreeOfCycles().check(CLIENT);
  }

  @Test
  void theFrameLayerKnowsNothingOfTheClientAboveIt() {
    classes().that().resideInAPackage("io.rallypoint.client.frame..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.rallypoint.client.frame..", "java..", "com.fasterxml.jackson..")
        .check(CLIENT);
  }
}
