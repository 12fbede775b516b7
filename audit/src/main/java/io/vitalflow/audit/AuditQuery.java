package io.vitalflow.audit;

import io.vitalflow.schemas.FhirDates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A search of {@code AuditEvent}, from FHIR search parameters. Repeated parameters must all match
 * (AND), comma-separated values of one are alternatives (OR):
 *
 * <ul>
 *   <li>{@code patient}: a patient id or {@code Patient/id} the event names
 *   <li>{@code agent}: the token subject or the client id of the requestor
 *   <li>{@code date}: the recorded time, with prefix {@code eq} (default), {@code ge}, {@code gt},
 *       {@code le} or {@code lt}, at the precision given (year to milliseconds)
 *   <li>{@code action}: C, R, U, D, E
 *   <li>{@code outcome}: 0, 4, 8, 12
 *   <li>{@code subtype}: the interaction code, optionally {@code system|code}
 *   <li>{@code _count}: page size (capped at the maximum); {@code _cursor}: the next page, as
 *       {@link AuditPage#next()} gave it
 * </ul>
 *
 * {@code _format} and {@code _pretty} are ignored (the FHIR server's); anything else is refused.
 * Results are newest first.
 */
public final class AuditQuery {

  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,256}");
  private static final Pattern DATE_PREFIX = Pattern.compile("(eq|ge|gt|le|lt)?(\\d.*)");
  private static final int MAX_VALUES = 100;
  private static final Set<String> IGNORED = Set.of("_format", "_pretty");

  /** One {@code date} parameter: the SQL comparison and the instant. */
  record DateBound(String operator, Instant instant) {}

  /** Where the previous page ended: newest-first order by (recorded, id). */
  record Cursor(Instant recorded, UUID id) {}

  final List<Set<String>> patients = new ArrayList<>();
  final List<Set<String>> agents = new ArrayList<>();
  final List<DateBound> dates = new ArrayList<>();
  final List<Set<String>> actions = new ArrayList<>();
  final List<Set<Short>> outcomes = new ArrayList<>();
  final List<Set<String>> subtypes = new ArrayList<>();
  Integer count;
  Cursor cursor;

  private AuditQuery() {}

  /** Everything, newest first. */
  public static AuditQuery all() {
    return new AuditQuery();
  }

  /**
   * @param parameters search parameters as a FHIR server receives them (name to every value given)
   * @throws InvalidAuditQueryException naming the parameter and the expected form
   */
  public static AuditQuery parse(Map<String, ? extends List<String>> parameters) {
    AuditQuery query = new AuditQuery();
    for (var entry : parameters.entrySet()) {
      String name = entry.getKey();
      for (String value : entry.getValue()) {
        if (value == null) {
          throw new InvalidAuditQueryException(name + ": a value is required");
        }
        switch (name) {
          case "patient" -> query.patients.add(values(name, value, AuditQuery::patient));
          case "agent" -> query.agents.add(values(name, value, v -> token(name, v)));
          case "date" -> query.dates.addAll(date(value));
          case "action" -> query.actions.add(values(name, value, AuditQuery::action));
          case "outcome" -> query.outcomes.add(values(name, value, AuditQuery::outcome));
          case "subtype" -> query.subtypes.add(values(name, value, AuditQuery::subtype));
          case "_count" -> query.count = count(value);
          case "_cursor" -> query.cursor = cursor(value);
          default -> {
            if (!IGNORED.contains(name)) {
              throw new InvalidAuditQueryException(
                  "unknown search parameter of AuditEvent: "
                      + (TOKEN.matcher(name).matches() && name.length() <= 64
                          ? name
                          : "(unprintable)")
                      + "; supported: patient, agent, date, action, outcome, subtype, _count, _cursor");
            }
          }
        }
      }
    }
    return query;
  }

  private static <T> Set<T> values(String name, String value, Function<String, T> each) {
    String[] parts = value.split(",", -1);
    if (parts.length > MAX_VALUES) {
      throw new InvalidAuditQueryException(name + ": at most " + MAX_VALUES + " values");
    }
    Set<T> set = new LinkedHashSet<>();
    for (String part : parts) {
      set.add(each.apply(part));
    }
    return set;
  }

  private static String patient(String value) {
    String id = value.startsWith("Patient/") ? value.substring(8) : value;
    if (!AuditRecord.isFhirId(id)) {
      throw new InvalidAuditQueryException("patient: expected a patient id or Patient/id");
    }
    return id;
  }

  private static String token(String name, String value) {
    if (!TOKEN.matcher(value).matches()) {
      throw new InvalidAuditQueryException(name + ": expected 1-256 printable characters");
    }
    return value;
  }

  private static String action(String value) {
    try {
      return AuditAction.ofCode(value).code();
    } catch (IllegalArgumentException e) {
      throw new InvalidAuditQueryException("action: expected C, R, U, D or E");
    }
  }

  private static Short outcome(String value) {
    try {
      return (short) AuditOutcome.ofCode(Integer.parseInt(value)).code();
    } catch (IllegalArgumentException e) {
      throw new InvalidAuditQueryException("outcome: expected 0, 4, 8 or 12");
    }
  }

  private static String subtype(String value) {
    int bar = value.indexOf('|');
    String code = bar < 0 ? value : value.substring(bar + 1);
    try {
      AuditSubtype subtype = AuditSubtype.ofCode(code);
      if (bar > 0 && !value.substring(0, bar).equals(subtype.system())) {
        throw new IllegalArgumentException("other system");
      }
      return subtype.code();
    } catch (IllegalArgumentException e) {
      throw new InvalidAuditQueryException(
          "subtype: expected a code of "
              + AuditSubtype.RESTFUL_INTERACTION
              + " or "
              + AuditSubtype.VITALFLOW
              + " (e.g. read, search-type, vitals-ingest)");
    }
  }

  private static List<DateBound> date(String value) {
    var m = DATE_PREFIX.matcher(value);
    if (!m.matches()) {
      throw invalidDate();
    }
    String prefix = m.group(1) == null ? "eq" : m.group(1);
    FhirDates.Range range;
    try {
      range = FhirDates.parse(m.group(2));
    } catch (IllegalArgumentException e) {
      throw invalidDate();
    }
    // the closed range [low, high] as the half-open [low, end)
    Instant end = range.high().plusMillis(1);
    return switch (prefix) {
      case "ge" -> List.of(new DateBound(">=", range.low()));
      case "gt" -> List.of(new DateBound(">=", end));
      case "le" -> List.of(new DateBound("<", end));
      case "lt" -> List.of(new DateBound("<", range.low()));
      default -> List.of(new DateBound(">=", range.low()), new DateBound("<", end));
    };
  }

  private static InvalidAuditQueryException invalidDate() {
    return new InvalidAuditQueryException(
        "date: expected [eq|ge|gt|le|lt]YYYY, YYYY-MM, YYYY-MM-DD or"
            + " YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]");
  }

  private static int count(String value) {
    try {
      int count = Integer.parseInt(value);
      if (count >= 1) {
        return count;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InvalidAuditQueryException("_count: expected a whole number of at least 1");
  }

  /** The cursor of the page after the one that ended at {@code recorded}, {@code id}. */
  static String cursorOf(Instant recorded, UUID id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((recorded.toEpochMilli() + ":" + id).getBytes(StandardCharsets.US_ASCII));
  }

  private static Cursor cursor(String value) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
      int colon = decoded.indexOf(':');
      return new Cursor(
          Instant.ofEpochMilli(Long.parseLong(decoded.substring(0, colon))),
          UUID.fromString(decoded.substring(colon + 1)));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidAuditQueryException("_cursor: not a cursor this server gave");
    }
  }
}
