package io.rallypoint.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The gateway's packages import one way, each owning one job (see the module README). */
class PackageLayersTest {

  /** The module's own compiled classes (surefire runs in the module's folder). */
  private static final JavaClasses GATEWAY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPath(Path.of("target", "classes"));

  @Test
  void noTwoPackagesImportEachOther() {
    assertThat(GATEWAY.contain(GatewayServer.class)).as("the gateway's classes were read").isTrue();
    slices().matching("io.rallypoint.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
  }

  @Test
  void theLowerLayersKnowNothingOfTheStepsAboveThem() {
    noClasses().that().resideInAnyPackage("..gateway.wire..", "..gateway.store..", "..gateway.fanout..",
            "..gateway.kafka..", "..gateway.deps..", "..gateway.connection..")
        .should().dependOnClassesThat().resideInAnyPackage("..gateway.chat..", "..gateway.location..",
            "..gateway.frames..", "..gateway.upgrade..", "..gateway.http..", "..gateway.membership..",
            "..gateway.presence..", "..gateway.typing..",
            "..gateway.admin..")
        .check(GATEWAY);
  }

  @Test
  void theAdminApiIsTheTopStepOnlyTheServerWiresIn() {
    noClasses().that().resideOutsideOfPackages("io.rallypoint.gateway", "..gateway.admin..")
        .should().dependOnClassesThat().resideInAPackage("..gateway.admin..")
        .check(GATEWAY);
  }

  @Test
  void theFrameHandlerKnowsOnlyTheStepInterface() {
    noClasses().that().haveSimpleName("FrameHandler")
        .should().dependOnClassesThat().haveSimpleName("FrameRouter")
        .check(GATEWAY);
  }
}
