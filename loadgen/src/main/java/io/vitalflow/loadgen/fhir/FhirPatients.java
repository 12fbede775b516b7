package io.vitalflow.loadgen.fhir;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Plausible FHIR R4 Patient resources as JSON text: official name, gender, birth date, a medical
 * record number under the loadgen's identifier system, phone and e-mail, a home address and a
 * next-of-kin contact. Every value comes from fixed lists without characters that need escaping in
 * JSON.
 */
public final class FhirPatients {

  static final String IDENTIFIER_SYSTEM = "urn:oid:2.16.840.1.113883.3.9999.1";

  private static final String[] FEMALE = {
    "Maria", "Ana", "Emma", "Olivia", "Sofia", "Chloé", "Aisha", "Mei", "Fatima", "Ingrid", "Lucía",
    "Amara", "Hannah", "Priya", "Zoë", "Grace"
  };
  private static final String[] MALE = {
    "João", "James", "Liam", "Noah", "Mateo", "Lukas", "Omar", "Kenji", "Ravi", "Pierre", "Björn",
    "Kwame", "David", "Tomás", "Ethan", "Yusuf"
  };
  private static final String[] FAMILY = {
    "Silva",
    "Santos",
    "Smith",
    "Johnson",
    "García",
    "Müller",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Tanaka",
    "Patel",
    "Murphy",
    "Andersson",
    "Cohen",
    "Haddad",
    "Brown",
    "Martins",
    "Kim"
  };
  private static final String[] STREETS = {
    "Main Street",
    "Oak Avenue",
    "Rua das Flores",
    "Elm Road",
    "Harbour Lane",
    "Station Road",
    "Maple Drive",
    "Avenida Paulista",
    "Church Street",
    "Mill Lane"
  };
  private static final String[][] CITIES = {
    {"Boston", "MA", "02118"},
    {"Springfield", "IL", "62701"},
    {"Austin", "TX", "73301"},
    {"Portland", "OR", "97201"},
    {"Madison", "WI", "53703"},
    {"Denver", "CO", "80202"},
    {"Columbus", "OH", "43215"},
    {"Raleigh", "NC", "27601"}
  };
  private static final String[] FEMALE_ASCII = ascii(FEMALE);
  private static final String[] MALE_ASCII = ascii(MALE);
  private static final String[] FAMILY_ASCII = ascii(FAMILY);
  private static final String[][] RELATIONSHIPS = {
    {"N", "Next-of-Kin"}, {"C", "Emergency Contact"}
  };

  private final String mrnPrefix;
  private final RandomGenerator random;

  public FhirPatients(String mrnPrefix, RandomGenerator random) {
    this.mrnPrefix = mrnPrefix;
    this.random = random;
  }

  /** Appends the Patient with medical record number {@code mrnPrefix + n}. */
  void append(StringBuilder out, long n) {
    append(out, null, n);
  }

  /**
   * Appends the Patient with medical record number {@code mrnPrefix + n} and, unless null, the
   * logical id {@code id} (for PUT entries; it must be a valid FHIR id, which needs no JSON
   * escaping).
   */
  public void append(StringBuilder out, String id, long n) {
    double g = random.nextDouble();
    String gender = g < 0.49 ? "female" : g < 0.98 ? "male" : g < 0.99 ? "other" : "unknown";
    boolean female = "female".equals(gender);
    int given = random.nextInt(female ? FEMALE.length : MALE.length);
    int family = random.nextInt(FAMILY.length);
    LocalDate birthDate =
        LocalDate.ofEpochDay(
            random.nextLong(
                LocalDate.of(1925, 1, 1).toEpochDay(), LocalDate.of(2025, 1, 1).toEpochDay()));
    String[] city = CITIES[random.nextInt(CITIES.length)];
    String[] relationship = RELATIONSHIPS[random.nextInt(RELATIONSHIPS.length)];
    out.append("{\"resourceType\":\"Patient\"");
    if (id != null) {
      out.append(",\"id\":\"").append(id).append('"');
    }
    out.append(",\"active\":true")
        .append(",\"identifier\":[{\"use\":\"usual\",\"type\":{\"coding\":[{\"system\":")
        .append(
            "\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"system\":\"")
        .append(IDENTIFIER_SYSTEM)
        .append("\",\"value\":\"")
        .append(mrnPrefix)
        .append(n)
        .append("\"}]")
        .append(",\"name\":[{\"use\":\"official\",\"family\":\"")
        .append(FAMILY[family])
        .append("\",\"given\":[\"")
        .append(female ? FEMALE[given] : MALE[given])
        .append("\"]}]")
        .append(",\"telecom\":[{\"system\":\"phone\",\"value\":\"")
        .append(phone())
        .append("\",\"use\":\"mobile\"}")
        .append(",{\"system\":\"email\",\"value\":\"")
        .append(female ? FEMALE_ASCII[given] : MALE_ASCII[given])
        .append('.')
        .append(FAMILY_ASCII[family])
        .append(n)
        .append("@example.org\",\"use\":\"home\"}]")
        .append(",\"gender\":\"")
        .append(gender)
        .append("\",\"birthDate\":\"")
        .append(birthDate)
        .append('"')
        .append(",\"address\":[{\"use\":\"home\",\"line\":[\"")
        .append(1 + random.nextInt(999))
        .append(' ')
        .append(pick(STREETS))
        .append("\"],\"city\":\"")
        .append(city[0])
        .append("\",\"state\":\"")
        .append(city[1])
        .append("\",\"postalCode\":\"")
        .append(city[2])
        .append("\",\"country\":\"US\"}]")
        .append(",\"contact\":[{\"relationship\":[{\"coding\":[{\"system\":")
        .append("\"http://terminology.hl7.org/CodeSystem/v2-0131\",\"code\":\"")
        .append(relationship[0])
        .append("\",\"display\":\"")
        .append(relationship[1])
        .append("\"}]}],\"name\":{\"family\":\"")
        .append(pick(FAMILY))
        .append("\",\"given\":[\"")
        .append(pick(random.nextBoolean() ? FEMALE : MALE))
        .append("\"]},\"telecom\":[{\"system\":\"phone\",\"value\":\"")
        .append(phone())
        .append("\"}]}]}");
  }

  String patient(long n) {
    StringBuilder out = new StringBuilder(1024);
    append(out, n);
    return out.toString();
  }

  /** A {@code batch} Bundle creating the Patients {@code first .. first + count - 1}. */
  String batch(long first, int count) {
    StringBuilder out = new StringBuilder(count * 1100 + 64);
    out.append("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : ",").append("{\"resource\":");
      append(out, first + i);
      out.append(",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
    }
    return out.append("]}").toString();
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private String phone() {
    return String.format(
        Locale.ROOT, "+1 555 %03d %04d", random.nextInt(1000), random.nextInt(10000));
  }

  private static String[] ascii(String[] names) {
    String[] plain = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      plain[i] =
          Normalizer.normalize(names[i], Normalizer.Form.NFD)
              .replaceAll("\\p{M}", "")
              .toLowerCase(Locale.ROOT);
    }
    return plain;
  }
}
