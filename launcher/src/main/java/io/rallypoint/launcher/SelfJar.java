package io.rallypoint.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** How to run another {@code rallypoint} command from this same jar, with this same java, as {@code ./rallypoint} does. */
public final class SelfJar {

  private SelfJar() {}

  /** {@code java <flags> -jar <this jar> <args>}. */
  public static List<String> command(List<String> args) {
    return command(List.of(), args);
  }

  /** {@code java <jvm options> <flags> -jar <this jar> <args>}. */
  public static List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return command;
  }

  /**
   * The jar this class was loaded from. Loaded from the build's classes or its plain module jar
   * (tests), which cannot run alone: the runnable jar the build packaged beside it
   * ({@code target/rallypoint.jar}).
   */
  public static Path jar() {
    Path location;
    try {
      location = Path.of(SelfJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (runnable(location)) {
      return location;
    }
    Path packaged = location.resolveSibling("rallypoint.jar");
    if (!runnable(packaged)) {
      throw new IllegalStateException("running from " + location + ", which has no main class, and no runnable "
          + packaged + " to start: package first");
    }
    return packaged;
  }

  private static boolean runnable(Path jar) {
    if (!Files.isRegularFile(jar)) {
      return false;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest != null && manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS) != null;
    } catch (IOException e) {
      return false;
    }
  }
}
