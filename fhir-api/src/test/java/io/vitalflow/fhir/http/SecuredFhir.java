package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.TestIssuer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FHIR server with security on (tokens from {@link TestIssuer}), seeded with three patients'
 * records (pa, pb, pc) and a practitioner: every resource id names its owner (e.g. {@code
 * obs-pb-2}), so a test can tell whose resource an answer holds without asking the server.
 */
final class SecuredFhir implements AutoCloseable {

  static final List<String> PATIENTS = List.of("pa", "pb", "pc");
  static final String SYSTEM_ALL = "system/*.cruds";

  final FhirServer server;
  final FhirHttp http;
  final String root;

  /** Resource {@code Type/id} to the patient it belongs to ("" for none). */
  final Map<String, String> owners = new LinkedHashMap<>();

  private SecuredFhir(FhirServer server) {
    this.server = server;
    this.http = new FhirHttp(server.base);
    this.root = server.base.substring(0, server.base.length() - "/fhir".length());
  }

  static SecuredFhir start(String purpose, String... extraArgs) throws Exception {
    String[] security = TestIssuer.shared().serviceArgs();
    String[] args = new String[security.length + extraArgs.length];
    System.arraycopy(security, 0, args, 0, security.length);
    System.arraycopy(extraArgs, 0, args, security.length, extraArgs.length);
    SecuredFhir fhir = new SecuredFhir(FhirServer.start(purpose, args));
    fhir.seed();
    return fhir;
  }

  static String token(String scope) {
    try {
      return TestIssuer.shared().token(scope);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String patientToken(String patient, String scope) {
    try {
      return TestIssuer.shared().patientToken(patient, scope);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String[] bearer(String token, String... more) {
    String[] headers = new String[more.length + 2];
    headers[0] = "Authorization";
    headers[1] = "Bearer " + token;
    System.arraycopy(more, 0, headers, 2, more.length);
    return headers;
  }

  private void seed() throws Exception {
    String admin = token(SYSTEM_ALL);
    put(admin, "Practitioner/dr1", "{\"resourceType\":\"Practitioner\",\"id\":\"dr1\"}", "");
    for (String p : PATIENTS) {
      put(
          admin,
          "Patient/" + p,
          "{\"resourceType\":\"Patient\",\"id\":\""
              + p
              + "\",\"name\":[{\"family\":\"F"
              + p
              + "\"}],\"generalPractitioner\":[{\"reference\":\"Practitioner/dr1\"}]}",
          p);
      put(
          admin,
          "Encounter/enc-" + p,
          "{\"resourceType\":\"Encounter\",\"id\":\"enc-"
              + p
              + "\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
              + "\"subject\":{\"reference\":\"Patient/"
              + p
              + "\"}}",
          p);
      for (int i = 1; i <= 3; i++) {
        put(
            admin,
            "Observation/obs-" + p + "-" + i,
            "{\"resourceType\":\"Observation\",\"id\":\"obs-"
                + p
                + "-"
                + i
                + "\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2345-7\"}]},"
                + "\"subject\":{\"reference\":\"Patient/"
                + p
                + "\"},"
                + "\"encounter\":{\"reference\":\"Encounter/enc-"
                + p
                + "\"},"
                + "\"performer\":[{\"reference\":\"Practitioner/dr1\"}],"
                + "\"effectiveDateTime\":\"2026-01-0"
                + i
                + "T10:00:00Z\"}",
            p);
      }
      // one of p's observations made during the next patient's encounter: an _include of its
      // encounter must not bring that one along
      String next = PATIENTS.get((PATIENTS.indexOf(p) + 1) % PATIENTS.size());
      put(
          admin,
          "Observation/obs-" + p + "-x",
          ("{'resourceType':'Observation','id':'obs-%s-x','status':'final','code':{'text':'x'},"
                  + "'subject':{'reference':'Patient/%s'},'encounter':{'reference':'Encounter/enc-%s'}}")
              .formatted(p, p, next)
              .replace('\'', '"'),
          p);
      put(
          admin,
          "Condition/cond-" + p,
          "{\"resourceType\":\"Condition\",\"id\":\"cond-"
              + p
              + "\",\"subject\":{\"reference\":\"Patient/"
              + p
              + "\"},"
              + "\"code\":{\"text\":\"c\"}}",
          p);
      put(
          admin,
          "MedicationRequest/mr-" + p,
          "{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-"
              + p
              + "\",\"status\":\"active\",\"intent\":\"order\","
              + "\"subject\":{\"reference\":\"Patient/"
              + p
              + "\"},"
              + "\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
              + "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"855332\"}]}}",
          p);
      put(
          admin,
          "AllergyIntolerance/ai-" + p,
          "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"ai-"
              + p
              + "\",\"patient\":{\"reference\":\"Patient/"
              + p
              + "\"}}",
          p);
      // a second version, for history and vread
      put(
          admin,
          "Condition/cond-" + p,
          "{\"resourceType\":\"Condition\",\"id\":\"cond-"
              + p
              + "\",\"subject\":{\"reference\":\"Patient/"
              + p
              + "\"},"
              + "\"code\":{\"text\":\"c2\"}}",
          p);
    }
    readings();
  }

  private void put(String token, String url, String json, String owner) {
    HttpResponse<String> response = http.put("/" + url, json, bearer(token));
    assertThat(response.statusCode()).as("PUT %s: %s", url, response.body()).isIn(200, 201);
    owners.put(url, owner);
  }

  /** Vital-sign readings of pa and pb (Observations of category vital-signs, and $lastn). */
  private void readings() throws Exception {
    Instant now = Instant.now().minusSeconds(120);
    List<Object[]> rows = new ArrayList<>();
    for (String p : List.of("pa", "pb")) {
      for (int i = 0; i < 4; i++) {
        rows.add(new Object[] {p, "8867-4", now.minusSeconds(60L * i), 60.0 + i, "/min"});
      }
    }
    try (Connection connection = server.database.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into vital_reading values (?, ?, ?, ?, ?, 'dev-1', ?, now(), now())")) {
      int n = 0;
      for (Object[] row : rows) {
        insert.setString(1, (String) row[0]);
        insert.setString(2, (String) row[1]);
        insert.setTimestamp(3, Timestamp.from((Instant) row[2]));
        insert.setDouble(4, (Double) row[3]);
        insert.setString(5, (String) row[4]);
        insert.setString(6, "r-" + n++);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
