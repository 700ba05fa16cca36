package io.rallypoint.persister;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.rallypoint.persister.write.MessageStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The persister's packages: {@code consume/} speaks Kafka, {@code write/} speaks PostgreSQL only. */
class PackageRulesTest {

  /** The module's own compiled classes (surefire runs in the module's folder). */
  private static final JavaClasses PERSISTER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPath(Path.of("target", "classes"));

  @Test
  void theWritePackageKnowsNoKafkaType() {
    assertThat(PERSISTER.contain(MessageStore.class)).as("the persister's classes were read").isTrue();
    noClasses().that().resideInAPackage("..persister.write..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
        .check(PERSISTER);
  }

  @Test
  void noTwoPackagesImportEachOther() {
    slices().matching("io.rallypoint.persister.(*)..").should().beFreeOfCycles().check(PERSISTER);
  }
}
