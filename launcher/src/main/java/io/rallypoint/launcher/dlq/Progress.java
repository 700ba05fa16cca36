package io.rallypoint.launcher.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for a long read, only where it helps: on a terminal, it redraws in place;
 * elsewhere (a log, a pipe) it prints a line every few seconds, and only for more than
 * {@link #QUIET_UP_TO} offsets. It never writes to stdout, so {@code --json} output stays clean.
 */
final class Progress implements AutoCloseable {

  /** Up to this many offsets, a read that is not on a terminal shows no bar. */
  static final long QUIET_UP_TO = 1_000;

  private static final Progress NONE = new Progress(null, null, false);

  private final ProgressBar bar;
  private final PrintWriter err;
  private final boolean terminal;

  private Progress(ProgressBar bar, PrintWriter err, boolean terminal) {
    this.bar = bar;
    this.err = err;
    this.terminal = terminal;
  }

  /** A bar for {@code total} offsets on {@code err}, or none where it would only be noise. */
  static Progress start(PrintWriter err, String task, long total, boolean terminal) {
    if (total <= 0 || (!terminal && total <= QUIET_UP_TO)) {
      return NONE;
    }
    ProgressBarBuilder builder = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" records", 1)
        .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII);
    if (terminal) {
      builder.setUpdateIntervalMillis(200).setConsumer(new DelegatingProgressBarConsumer(line -> {
        err.print('\r' + line);
        err.flush();
      }, 100));
    } else {
      builder.setUpdateIntervalMillis(5_000).setConsumer(new DelegatingProgressBarConsumer(line -> {
        err.println(line);
        err.flush();
      }, 100));
    }
    return new Progress(builder.build(), err, terminal);
  }

  /** {@code done} of the total offsets are read. */
  void at(long done) {
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      if (terminal) {
        err.println();
      }
      err.flush();
    }
  }

  /**
   * Whether this process's stderr is a terminal. Java tells this only for stdin and stdout
   * together ({@code System.console()}), so on Linux it reads where file descriptor 2 points; it
   * answers false where it cannot tell.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
