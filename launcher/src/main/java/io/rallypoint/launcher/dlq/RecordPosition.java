package io.rallypoint.launcher.dlq;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where a record is: {@code PARTITION:OFFSET}, as {@code dlq list} prints it. */
public record RecordPosition(int partition, long offset) {

  public RecordPosition {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("partition and offset are never negative (got " + partition + ":" + offset + ")");
    }
  }

  /** Parses {@code 3:17}; a clear {@link IllegalArgumentException} for anything else. */
  public static RecordPosition parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("'" + text + "' is not PARTITION:OFFSET (e.g. 3:17, as dlq list prints it)");
    }
    try {
      return new RecordPosition(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not PARTITION:OFFSET: both are whole numbers (e.g. 3:17)");
    }
  }

  @Override
  public String toString() {
    return partition + ":" + offset;
  }

  /** For picocli: a bad position is a usage error, reported with the option. */
  public static final class Converter implements ITypeConverter<RecordPosition> {
    @Override
    public RecordPosition convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
