package io.rallypoint.launcher.tokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 secret {@code up} uses when {@code CHAT_JWT_SECRET} is unset: made once, kept in the
 * state folder (owner-only) so tokens printed by one run still work after a restart.
 */
public final class DevSecret {

  private DevSecret() {}

  private static final String FILE = "dev-jwt-secret";

  /** The secret kept in {@code stateDir}, made there first when there is none. */
  public static String loadOrCreate(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.createDirectories(stateDir);
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the folder's own permissions apply
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** The secret an earlier {@code up} kept in {@code stateDir}, if there is one. */
  public static java.util.Optional<String> load(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    try {
      return Files.exists(file) ? java.util.Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim())
          : java.util.Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
