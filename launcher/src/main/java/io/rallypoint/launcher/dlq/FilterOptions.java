package io.rallypoint.launcher.dlq;

import io.rallypoint.persister.replay.DlqFilter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The filter options of every {@code dlq} command, parsed into the one {@link DlqFilter}. */
public final class FilterOptions {

  @Option(names = "--conversation", paramLabel = "ID", description = "Only records of this conversation.")
  String conversation;

  @Option(names = "--error-contains", paramLabel = "TEXT",
      description = "Only records whose rallypoint.error header contains TEXT.")
  String errorContains;

  @Option(names = "--error-kind", paramLabel = "KIND",
      description = "Only records whose rallypoint.error.kind is KIND (e.g. sqlstate-23503, unreadable).")
  String errorKind;

  @Option(names = "--since", paramLabel = "TIME", converter = Iso8601.class,
      description = "Only records that first failed at or after TIME (rallypoint.first-failed-at, else the record's"
          + " timestamp): an ISO-8601 instant (2026-12-01T10:00:00Z), offset time (2026-12-01T11:00+01:00) or date"
          + " (2026-12-01, midnight UTC).")
  Instant since;

  @Option(names = "--until", paramLabel = "TIME", converter = Iso8601.class,
      description = "Only records that first failed before TIME (same forms as --since).")
  Instant until;

  /** The filter these options name; a clear error when {@code --since} is not before {@code --until}. */
  public DlqFilter filter() {
    return new DlqFilter(conversation, errorContains, errorKind, since, until);
  }

  /** An ISO-8601 instant, date-time with offset, or date (midnight UTC). */
  public static final class Iso8601 implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      String text = value.trim();
      try {
        return Instant.parse(text);
      } catch (DateTimeException notAnInstant) {
        // try the other forms
      }
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeException notAnOffsetTime) {
        // try a date
      }
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeException e) {
        throw new TypeConversionException("'" + value + "' is not an ISO-8601 time: give an instant"
            + " (2026-12-01T10:00:00Z), a time with its offset (2026-12-01T11:00+01:00) or a date (2026-12-01)");
      }
    }
  }
}
