package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.schemas.VitalSignType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a vital-signs Observation search, checked: which patients, which codes, which
 * date ranges, in which order. Unknown parameters are collected (lenient) or refused ({@code
 * strict}).
 *
 * <p>A search also takes the parameters whose answer for a device reading follows from its fixed
 * shape (docs/fhir-vitals.md): {@code status} (always {@code final}), {@code identifier} (the
 * reading id), {@code device}, {@code _id} (the reading's id) and {@code _lastUpdated} (when the
 * row was stored). {@code $lastn} does not.
 *
 * @param patients patient ids (OR); never empty
 * @param codes LOINC codes (OR), or null for every stored code; empty when the codes asked for
 *     match nothing
 * @param dates date conditions: AND of the outer list, OR of each inner list
 * @param ascending oldest first ({@code _sort=date}) instead of newest first
 * @param matchesNothing true when a parameter rules out every vital-sign reading (another category,
 *     subject type)
 * @param ignored names of the parameters that were not understood
 * @param lastUpdated {@code _lastUpdated} conditions on the row's {@code stored_at}, as {@code
 *     dates}
 * @param readingIds reading ids of {@code identifier} (OR), or null for any
 * @param devices device ids of {@code device} (OR), or null for any
 * @param ids readings named by {@code _id} (OR), or null for any
 * @param quantities {@code value-quantity} conditions: AND of the outer list, OR of each inner list
 */
record VitalQuery(
    List<String> patients,
    List<String> codes,
    List<List<DateParameter>> dates,
    boolean ascending,
    boolean matchesNothing,
    List<String> ignored,
    List<List<DateParameter>> lastUpdated,
    List<String> readingIds,
    List<String> devices,
    List<VitalObservationId> ids,
    List<List<ValueCondition>> quantities) {

  static final int MAX_VALUES = 100;
  private static final Pattern QUANTITY =
      Pattern.compile(
          "(eq|ne|gt|lt|ge|le|sa|eb|ap)?([-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)(?:\\|([^|]*)\\|(.*))?");

  /**
   * The R4 Observation search parameters on elements a device reading's Observation never has
   * (docs/fhir-vitals.md lists what it has): on a vital-signs search they match no reading, except
   * {@code :missing=true} and {@code :not}.
   */
  private static final Set<String> ABSENT =
      Set.of(
          "based-on",
          "code-value-concept",
          "code-value-date",
          "code-value-string",
          "combo-code-value-concept",
          "combo-data-absent-reason",
          "combo-value-concept",
          "component-code",
          "component-code-value-concept",
          "component-code-value-quantity",
          "component-data-absent-reason",
          "component-value-concept",
          "component-value-quantity",
          "data-absent-reason",
          "derived-from",
          "encounter",
          "focus",
          "has-member",
          "method",
          "part-of",
          "performer",
          "specimen",
          "value-concept",
          "value-date",
          "value-string",
          "_security",
          "_tag");

  private static final String OBSERVATION_STATUS = "http://hl7.org/fhir/observation-status";
  private static final int MAX_ID_LENGTH = 256;
  private static final Set<String> PATIENT_PARAMETERS =
      Set.of("patient", "subject", "subject:Patient", "patient:Patient");

  VitalQuery {
    patients = List.copyOf(patients);
    codes = codes == null ? null : List.copyOf(codes);
    dates = List.copyOf(dates);
    ignored = List.copyOf(ignored);
    lastUpdated = List.copyOf(lastUpdated);
    readingIds = readingIds == null ? null : List.copyOf(readingIds);
    devices = devices == null ? null : List.copyOf(devices);
    ids = ids == null ? null : List.copyOf(ids);
    quantities = List.copyOf(quantities);
  }

  /**
   * One {@code value-quantity} value: {@code [prefix]number[|system|code]}.
   *
   * @param prefix {@code eq}, {@code ne}, {@code gt}, {@code lt}, {@code ge}, {@code le}, {@code
   *     sa}, {@code eb} or {@code ap}
   * @param unit the UCUM code the reading's canonical unit must equal, or null for any
   * @param codes the LOINC codes the reading must have (a composite {@code code$quantity}), or null
   *     for any
   */
  record ValueCondition(String prefix, BigDecimal value, String unit, List<String> codes) {}

  /**
   * Checks the parameters of an Observation search.
   *
   * @param sortable whether this is a search ({@code _sort}, {@code status}, {@code identifier},
   *     {@code device}, {@code _id}, {@code _lastUpdated} understood) or {@code $lastn} (unknown)
   * @throws InvalidSearchException without a patient, for malformed values, for unknown parameters
   *     when strict
   */
  static VitalQuery parse(
      Map<String, List<String>> parameters,
      boolean strict,
      boolean sortable,
      Set<String> alsoKnown) {
    Set<String> patients = null;
    List<String> codes = null;
    List<List<DateParameter>> dates = new ArrayList<>();
    boolean ascending = false;
    boolean nothing = false;
    List<String> ignored = new ArrayList<>();
    List<List<DateParameter>> lastUpdated = new ArrayList<>();
    List<String> readingIds = null;
    List<String> devices = null;
    List<VitalObservationId> ids = null;
    List<List<ValueCondition>> quantities = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      for (String value : parameter.getValue()) {
        if (PATIENT_PARAMETERS.contains(name)) {
          Set<String> asked = patientIds(name, value);
          if (patients == null) {
            patients = asked;
          } else {
            patients.retainAll(asked);
          }
        } else if ("category".equals(name)) {
          nothing |= !isVitalSigns(value);
        } else if ("code".equals(name) || sortable && "combo-code".equals(name)) {
          List<String> asked = codes(value);
          codes = codes == null ? asked : codes.stream().filter(asked::contains).toList();
        } else if ("date".equals(name)) {
          dates.add(values(value).stream().map(DateParameter::parse).toList());
        } else if ("_sort".equals(name)
            && sortable
            && ("date".equals(value) || "-date".equals(value))) {
          ascending = "date".equals(value);
        } else if (sortable && ("status".equals(name) || "status:not".equals(name))) {
          // a device reading's status is final
          nothing |= isFinal(value) == "status:not".equals(name);
        } else if (sortable && "identifier".equals(name)) {
          List<String> asked = readingIds(value);
          readingIds =
              readingIds == null ? asked : readingIds.stream().filter(asked::contains).toList();
        } else if (sortable && ("device".equals(name) || "device:Device".equals(name))) {
          List<String> asked = deviceIds(value);
          devices = devices == null ? asked : devices.stream().filter(asked::contains).toList();
        } else if (sortable && "_id".equals(name)) {
          List<VitalObservationId> asked = new ArrayList<>();
          for (String id : values(value)) {
            VitalObservationId.parse(id).ifPresent(asked::add);
          }
          ids = ids == null ? asked : ids.stream().filter(asked::contains).toList();
        } else if (sortable
            && ("value-quantity".equals(name) || "combo-value-quantity".equals(name))) {
          List<ValueCondition> alternatives = new ArrayList<>();
          for (String quantity : values(value)) {
            ValueCondition condition = quantity(quantity, null);
            if (condition != null) {
              alternatives.add(condition);
            }
          }
          nothing |= alternatives.isEmpty();
          quantities.add(alternatives);
        } else if (sortable && "code-value-quantity".equals(name)) {
          List<ValueCondition> alternatives = new ArrayList<>();
          for (String pair : values(value)) {
            int dollar = pair.indexOf('$');
            if (dollar < 0) {
              throw new InvalidSearchException(
                  name + ": '" + abbreviate(pair) + "' is not <code>$<quantity>");
            }
            List<String> pairCodes = codes(pair.substring(0, dollar));
            ValueCondition condition = quantity(pair.substring(dollar + 1), pairCodes);
            if (condition != null && !pairCodes.isEmpty()) {
              alternatives.add(condition);
            }
          }
          nothing |= alternatives.isEmpty();
          quantities.add(alternatives);
        } else if (sortable && "_profile".equals(name)) {
          nothing |= !values(value).contains(VitalSignMapping.VITAL_SIGNS_PROFILE);
        } else if (sortable && isAbsent(name)) {
          nothing |= !absentMatches(name, value);
        } else if (sortable && "_lastUpdated".equals(name)) {
          lastUpdated.add(values(value).stream().map(DateParameter::parse).toList());
        } else if (alsoKnown.contains(name)) {
          continue;
        } else if (strict) {
          throw new InvalidSearchException(
              "Parameter '"
                  + abbreviate(name)
                  + (name.equals("_sort") ? "=" + abbreviate(value) : "")
                  + "' is not supported by vital-signs Observation searches");
        } else if (!ignored.contains(name)) {
          ignored.add(name);
        }
      }
    }
    if (patients == null) {
      throw new InvalidSearchException(
          "A vital-signs Observation search needs a patient: add patient=<id> or"
              + " subject=Patient/<id> (searching every patient's readings is not supported)");
    }
    boolean none =
        nothing
            || patients.isEmpty()
            || readingIds != null && readingIds.isEmpty()
            || devices != null && devices.isEmpty()
            || ids != null && ids.isEmpty();
    return new VitalQuery(
        List.copyOf(patients),
        codes,
        dates,
        ascending,
        none,
        ignored,
        lastUpdated,
        readingIds,
        devices,
        ids,
        quantities);
  }

  /**
   * A {@code value-quantity} value; null when its system is neither UCUM nor absent (no reading is
   * in another system).
   */
  private static ValueCondition quantity(String value, List<String> codes) {
    Matcher matcher = QUANTITY.matcher(value);
    if (!matcher.matches()) {
      throw new InvalidSearchException(
          "value-quantity: '"
              + abbreviate(value)
              + "' is not [prefix]number[|system|code] (e.g. gt100 or"
              + " 120|http://unitsofmeasure.org|mm[Hg])");
    }
    String system = matcher.group(3);
    if (system != null && !system.isEmpty() && !system.equals(VitalSignMapping.UCUM_SYSTEM)) {
      return null;
    }
    String unit = matcher.group(4) == null || matcher.group(4).isEmpty() ? null : matcher.group(4);
    return new ValueCondition(
        matcher.group(1) == null ? "eq" : matcher.group(1),
        new BigDecimal(matcher.group(2)),
        unit,
        codes);
  }

  /**
   * Whether {@code name} is an Observation parameter (or a chain or modifier of one, or {@code
   * _has}) on elements a device reading never has.
   */
  private static boolean isAbsent(String name) {
    if (name.startsWith("_has:")) {
      return true;
    }
    int end = name.length();
    for (char separator : new char[] {':', '.'}) {
      int at = name.indexOf(separator);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return ABSENT.contains(name.substring(0, end));
  }

  /**
   * Whether device readings match a parameter on an element they lack: {@code :missing=true} and
   * {@code :not} do, any other value, modifier or chain does not.
   */
  private static boolean absentMatches(String name, String value) {
    if (name.startsWith("_has:")) {
      return false;
    }
    if (name.endsWith(":missing")) {
      return "true".equals(value);
    }
    return name.endsWith(":not") && name.indexOf('.') < 0;
  }

  /** Whether a {@code status} token matches {@code final}, a device reading's status. */
  private static boolean isFinal(String value) {
    for (String token : values(value)) {
      if (token.equals("final") || token.equals(OBSERVATION_STATUS + "|final")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reading ids of {@code identifier} tokens: {@code urn:vitalflow:reading-id|<id>} or a bare
   * value; tokens of another system (or none, {@code |x}) match no reading.
   */
  private static List<String> readingIds(String value) {
    List<String> ids = new ArrayList<>();
    for (String token : values(value)) {
      int bar = token.indexOf('|');
      if (bar < 0) {
        ids.add(token);
      } else if (token.substring(0, bar).equals(VitalSignMapping.READING_ID_SYSTEM)) {
        ids.add(token.substring(bar + 1));
      }
    }
    return ids;
  }

  /** The device ids of {@code device} references: {@code Device/<id>}, {@code <id>}, a URL. */
  private static List<String> deviceIds(String value) {
    List<String> ids = new ArrayList<>();
    for (String reference : values(value)) {
      int slash = reference.lastIndexOf('/');
      if (slash < 0) {
        ids.add(reference);
        continue;
      }
      String head = reference.substring(0, slash);
      if (head.equals("Device") || head.endsWith("/Device")) {
        ids.add(reference.substring(slash + 1));
      }
    }
    return ids;
  }

  /**
   * The ids of {@code Patient/X}, {@code X} or {@code <base>/Patient/X} values; other subject types
   * match none.
   */
  private static Set<String> patientIds(String name, String value) {
    Set<String> ids = new LinkedHashSet<>();
    for (String reference : values(value)) {
      String id = reference;
      int slash = reference.lastIndexOf('/');
      if (slash >= 0) {
        String head = reference.substring(0, slash);
        if (!head.equals("Patient") && !head.endsWith("/Patient")) {
          continue;
        }
        id = reference.substring(slash + 1);
      }
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
        throw new InvalidSearchException(
            name
                + ": '"
                + abbreviate(reference)
                + "' is not a patient reference"
                + " (Patient/<id> or <id>)");
      }
      ids.add(id);
    }
    return ids;
  }

  private static boolean isVitalSigns(String value) {
    for (String token : values(value)) {
      if (token.equals(VitalSignMapping.VITAL_SIGNS)
          || token.equals("|" + VitalSignMapping.VITAL_SIGNS)
          || token.equals(VitalSignMapping.CATEGORY_SYSTEM + "|" + VitalSignMapping.VITAL_SIGNS)) {
        return true;
      }
    }
    return false;
  }

  /** The stored LOINC codes among the tokens; tokens of other systems or codes match nothing. */
  private static List<String> codes(String value) {
    List<String> codes = new ArrayList<>();
    for (String token : values(value)) {
      int bar = token.indexOf('|');
      String code = token;
      if (bar >= 0) {
        String system = token.substring(0, bar);
        code = token.substring(bar + 1);
        if (!system.isEmpty() && !system.equals(VitalSignMapping.LOINC_SYSTEM)) {
          continue;
        }
      }
      if (VitalSignType.ofCode(code) != null && !codes.contains(code)) {
        codes.add(code);
      }
    }
    return codes;
  }

  /** The comma-separated values of one parameter (OR); {@code \,} is a literal comma. */
  static List<String> values(String value) {
    List<String> values = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        current.append(value.charAt(++i));
      } else if (c == ',') {
        values.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    values.add(current.toString());
    if (values.size() > MAX_VALUES) {
      throw new InvalidSearchException("At most " + MAX_VALUES + " values per parameter");
    }
    return values;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
