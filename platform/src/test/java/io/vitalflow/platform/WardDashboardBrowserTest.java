package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.auth.DevelopmentClients;
import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.Topics;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/**
 * The ward dashboard page in a real headless Chromium against the running stack (ingest gateway,
 * processor and dashboard-push on a real broker and PostgreSQL), with security on and the local
 * authorization server: the page sends the browser to its login form, gets a token with
 * authorization code + PKCE and connects with a ticket; a reading posted to the ingest endpoint
 * shows on its patient's tile, a deterioration raises a NEWS2 alert in the alert list, and
 * acknowledging it in the page marks it acknowledged by the nurse who logged in (and stores it in
 * {@code alert_ack}).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them);
 * skipped without them.
 */
class WardDashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Selenium warns on every start that it has no DevTools classes for this Chromium; we use none.
   */
  private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  /** nurse-a of the local authorization server looks after ward-a. */
  private static final String NURSE = "nurse-a";

  private static final String WARD = "ward-a";

  /** The ingest gateway's device registration of the gateway client (docs/ingest.md). */
  private static final String DEVICES = "vitalflow.ingest.devices." + DevelopmentClients.GATEWAY;

  private static RunningServices services;
  private static WebDriver browser;
  private static LocalAuthServer auth;
  private static Path authDir;
  private static String securityBefore;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Skipped: needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver; "
            + ".ci/run installs them)");
    int dashboardPort;
    try (ServerSocket free = new ServerSocket(0)) {
      dashboardPort = free.getLocalPort();
    }
    authDir = Files.createTempDirectory("ward-page-auth-");
    auth =
        LocalAuthServer.start(
            authDir,
            "vitalflow.auth.ward-redirect-uris=http://127.0.0.1:"
                + dashboardPort
                + "/ward/callback");
    // every service of this test trusts it (RunningServices passes no issuer of its own)
    securityBefore = System.getProperty("vitalflow.security.enabled");
    System.setProperty("vitalflow.security.enabled", "true");
    System.setProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", auth.issuer());
    // the device gateway's token may send for the test's monitors (m1)
    System.setProperty(DEVICES, "*");
    // the FHIR API plays no part in this path; leaving it out saves seconds on a shared machine
    services =
        new RunningServices("ward-page")
            .trusting(auth) // this test's server: the ward page's redirect URI is on its port
            .startVitalsPath()
            .startDashboard("--server.port=" + dashboardPort);
    SELENIUM_LOG.setLevel(Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-extensions",
        "--window-size=1280,900");
    ChromeDriverService driverService =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(driverService, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (services != null) {
      services.close();
    }
    if (securityBefore == null) {
      System.clearProperty("vitalflow.security.enabled");
    } else {
      System.setProperty("vitalflow.security.enabled", securityBefore);
    }
    System.clearProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    System.clearProperty(DEVICES);
    if (auth != null) {
      auth.close();
      FileSystemUtils.deleteRecursively(authDir.toFile());
    }
  }

  /**
   * Opens the page; the first time the page sends the browser to the authorization server's login
   * form, which is filled in as {@link #NURSE}; later the server's session brings it straight back.
   * Returns when the page is connected.
   */
  private static void openPage(String query) {
    String page = "http://127.0.0.1:" + services.dashboardPort + "/" + query;
    browser.get(page);
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(
        ExpectedConditions.or(
            ExpectedConditions.presenceOfElementLocated(By.name("username")),
            ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "open")));
    if (!browser.findElements(By.name("username")).isEmpty()) {
      assertThat(browser.getCurrentUrl()).startsWith(auth.issuer() + "/login");
      browser.findElement(By.name("username")).sendKeys(NURSE);
      browser.findElement(By.name("password")).sendKeys(auth.password(NURSE));
      browser.findElement(By.cssSelector("form [type=submit]")).click();
    }
    wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "open"));
    assertThat(browser.getCurrentUrl()).as("the code left the address bar").isEqualTo(page);
    assertThat(browser.findElement(By.id("user")).getText()).isEqualTo(NURSE);
  }

  @Test
  void aPostedReadingShowsOnItsTileAndAnAlertCanBeAcknowledged() {
    for (String patient : List.of("bed-1", "bed-2")) {
      assign(patient);
    }
    try {
      openPage("?ward=" + WARD);
      WebDriverWait wait = new WebDriverWait(browser, WAIT);
      wait.until(
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-patient='bed-1']")));
      wait.until(
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-patient='bed-2']")));

      WebTestClient ingest = client(services.ingestPort);
      Instant now = Instant.now().minusSeconds(3);
      post(ingest, reading("bed-1", "8867-4", 72, "/min", now));
      By bed1Hr = By.cssSelector("[data-patient='bed-1'] [data-code='8867-4'] .value");
      wait.until(ExpectedConditions.textToBe(bed1Hr, "72"));
      assertThat(
              browser
                  .findElement(By.cssSelector("[data-patient='bed-2'] [data-code='8867-4'] .value"))
                  .getText())
          .as("the other patient's tile")
          .isEqualTo("–");
      assertThat(
              browser
                  .findElement(By.cssSelector("[data-patient='bed-1'] [data-testid=age]"))
                  .getText())
          .endsWith("s ago");

      // a deterioration: NEWS2 goes HIGH and the processor raises a band-change alert
      Instant later = now.plusSeconds(1);
      post(
          ingest,
          String.join(
              "\n",
              reading("bed-1", "9279-1", 26, "/min", later),
              reading("bed-1", "59408-5", 90, "%", later),
              reading("bed-1", "8480-6", 88, "mm[Hg]", later),
              reading("bed-1", "8462-4", 50, "mm[Hg]", later),
              reading("bed-1", "8867-4", 135, "/min", later),
              reading("bed-1", "8310-5", 39.4, "Cel", later)));
      wait.until(
          ExpectedConditions.attributeToBe(
              By.cssSelector("[data-patient='bed-1'] [data-testid=news2]"), "data-band", "HIGH"));
      By highAlert =
          By.cssSelector("[data-testid=alerts] li[data-patient='bed-1'][data-severity='HIGH']");
      wait.until(ExpectedConditions.presenceOfElementLocated(highAlert));
      WebElement alert = browser.findElement(highAlert);
      String alertId = alert.getDomAttribute("data-alert-id");
      assertThat(alert.getDomAttribute("data-state")).isEqualTo("open");
      assertThat(
              browser
                  .findElement(By.cssSelector("[data-patient='bed-1'] [data-code='8480-6'] .value"))
                  .getText())
          .isEqualTo("88");

      By ackButton = By.cssSelector("li[data-alert-id='" + alertId + "'] button[data-testid=ack]");
      wait.until(ExpectedConditions.elementToBeClickable(ackButton)).click();
      By acknowledged = By.cssSelector("li[data-alert-id='" + alertId + "']");
      wait.until(ExpectedConditions.attributeToBe(acknowledged, "data-state", "acknowledged"));
      assertThat(browser.findElement(acknowledged).getText())
          .contains("Acknowledged")
          .contains(NURSE);
      assertThat(browser.findElements(ackButton)).isEmpty();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  Db.count(
                          services.database,
                          "select count(*) from alert_ack where alert_id = '"
                              + alertId
                              + "' and acknowledged_by = '"
                              + NURSE
                              + "'")
                      == 1);
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "Ward page failed (screenshot: "
              + screenshot()
              + "); its DOM:\n"
              + browser.getPageSource(),
          e);
    }
    screenshot();
  }

  /**
   * The medication stream resolves a drug-interaction alert when a drug is stopped: the page shows
   * the original alert as resolved (no Acknowledge button, not counted as open) and does not list
   * the resolution itself.
   */
  @Test
  void anAlertResolvedAlertMarksTheAlertItNamesAsResolved() throws Exception {
    assign("bed-3");
    try {
      openPage("?ward=" + WARD);
      WebDriverWait wait = new WebDriverWait(browser, WAIT);
      Instant now = Instant.now();
      Alert interaction =
          Alert.newBuilder()
              .setAlertId("di-ward-1")
              .setPatientId("bed-3")
              .setKind(AlertKind.DRUG_INTERACTION)
              .setSeverity(AlertSeverity.HIGH)
              .setRaisedAt(now)
              .setTitle("Drug interaction: warfarin + ibuprofen (major)")
              .build();
      produce(interaction);
      By item = By.cssSelector("li[data-alert-id='di-ward-1']");
      wait.until(ExpectedConditions.attributeToBe(item, "data-state", "open"));

      produce(
          Alert.newBuilder()
              .setAlertId("di-ward-1/resolved")
              .setPatientId("bed-3")
              .setKind(AlertKind.ALERT_RESOLVED)
              .setSeverity(AlertSeverity.INFO)
              .setRaisedAt(now.plusSeconds(1))
              .setTitle(
                  "Resolved: drug interaction warfarin + ibuprofen (MedicationRequest/mr-2 was stopped)")
              .setAttributes(java.util.Map.of("resolves", "di-ward-1"))
              .build());
      wait.until(ExpectedConditions.attributeToBe(item, "data-state", "resolved"));
      assertThat(browser.findElement(item).getText())
          .contains("Resolved: drug interaction warfarin + ibuprofen");
      assertThat(
              browser.findElements(
                  By.cssSelector("li[data-alert-id='di-ward-1'] button[data-testid=ack]")))
          .isEmpty();
      assertThat(browser.findElements(By.cssSelector("li[data-alert-id='di-ward-1/resolved']")))
          .isEmpty();
      assertThat(browser.findElement(By.id("open-count")).getText()).isEqualTo("0");
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "Ward page failed (screenshot: "
              + screenshot()
              + "); its DOM:\n"
              + browser.getPageSource(),
          e);
    }
  }

  private static void produce(Alert alert) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            java.util.Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.stack.kafkaBootstrap()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  services.topic(Topics.ALERTS.name()),
                  alert.getPatientId().toString(),
                  Topics.ALERTS.valueSerde().serializer().serialize("", alert)))
          .get();
    }
  }

  /**
   * Saves what the browser shows to {@code target/ward-dashboard.png} (a CI artifact; also on
   * failure).
   */
  private static Path screenshot() {
    Path file = Path.of("target", "ward-dashboard.png");
    try {
      Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    return file.toAbsolutePath();
  }

  @Test
  void thePageIsServedByDashboardPushAndNotByTheOtherServicesInTheSameJvm() {
    client(services.dashboardPort)
        .get()
        .uri("/")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(html -> assertThat(html).contains("ward.js").doesNotContain("http"));
    client(services.dashboardPort).get().uri("/ward.js").exchange().expectStatus().isOk();
    String token = auth.token("system/Observation.rs");
    client(services.ingestPort)
        .get()
        .uri("/ward.js")
        .headers(h -> h.setBearerAuth(token))
        .exchange()
        .expectStatus()
        .isNotFound();
    client(services.processorPort)
        .get()
        .uri("/index.html")
        .headers(h -> h.setBearerAuth(token))
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  /** Puts a patient on the nurse's ward (an administrator's token: moving needs wards.admin). */
  private static void assign(String patient) {
    String admin = auth.token("vitalflow/wards.admin");
    client(services.dashboardPort)
        .put()
        .uri("/api/v1/wards/" + WARD + "/patients/" + patient)
        .headers(h -> h.setBearerAuth(admin))
        .exchange()
        .expectStatus()
        .isNoContent();
  }

  private static WebTestClient client(int port) {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port)
        .responseTimeout(WAIT)
        .build();
  }

  private static void post(WebTestClient ingest, String ndjson) {
    String device = auth.gatewayToken();
    ingest
        .post()
        .uri("/api/v1/vitals")
        .headers(h -> h.setBearerAuth(device))
        .contentType(MediaType.parseMediaType("application/x-ndjson"))
        .bodyValue(ndjson + "\n")
        .exchange()
        .expectStatus()
        .isOk();
  }

  private static String reading(
      String patient, String code, double value, String unit, Instant time) {
    return """
        {"patientId":"%s","deviceId":"m1","code":"%s","value":%s,"unit":"%s","effectiveTime":"%s"}"""
        .formatted(patient, code, value, unit, time);
  }
}
