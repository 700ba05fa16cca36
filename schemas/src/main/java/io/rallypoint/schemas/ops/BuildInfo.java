package io.rallypoint.schemas.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version and git commit the build wrote into {@code build.properties}: what
 * {@code rallypoint --version} prints and {@code rallypoint_build_info} carries.
 *
 * @param version the project version, as the parent pom names it
 * @param commit  the short commit, or empty when the build had no git
 */
public record BuildInfo(String version, String commit) {

  static final String RESOURCE = "build.properties";

  /** This jar's build. */
  public static BuildInfo current() {
    Properties build = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath: build with ./mvnw");
      }
      build.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(build.getProperty("version"), build.getProperty("commit"));
  }

  /** A build from the two values as filtered; refuses an unfiltered version, drops an unfiltered commit. */
  public static BuildInfo of(String version, String commit) {
    if (!filled(version)) {
      throw new IllegalStateException(RESOURCE + " was not filtered by the build (version=" + version + ")");
    }
    return new BuildInfo(version, filled(commit) ? commit.strip() : "");
  }

  private static boolean filled(String value) {
    return value != null && !value.isBlank() && !value.startsWith("${");
  }
}
