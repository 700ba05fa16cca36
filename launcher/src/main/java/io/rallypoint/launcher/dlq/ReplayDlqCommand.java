package io.rallypoint.launcher.dlq;

import picocli.CommandLine.Command;

/** {@code rallypoint replay-dlq}: the older name of {@code rallypoint dlq replay}, kept for scripts; hidden from the list. */
@Command(name = "replay-dlq", hidden = true, mixinStandardHelpOptions = true,
    description = "The same as `rallypoint dlq replay`.")
public final class ReplayDlqCommand extends DlqCommand.ReplayCommand {}
