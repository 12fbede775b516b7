package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import io.vitalflow.web.ServiceDefaults;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Every log line is bounded: a 62 MB line of patient data came out of one retry loop once. The
 * local platform's logback.xml and each service's own pattern (used when it runs alone) cut a
 * message at 2,000 characters and a stack trace at 10,000, whatever a library puts into them.
 */
class BoundedLogLinesTest {

  private static final String HUGE = "x".repeat(5_000_000);

  @Test
  void thePlatformConsoleBoundsMessagesAndStackTraces() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try (InputStream config = getClass().getResourceAsStream("/logback.xml")) {
        configurator.doConfigure(config);
      }
      logHugeLines(context.getLogger("io.vitalflow.test"));
    } finally {
      context.stop();
      System.setOut(original);
    }
    assertBounded(captured.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ingest-gateway.yml",
        "fhir-api.yml",
        "vitals-stream-processor.yml",
        "dashboard-push.yml"
      })
  void eachServiceBoundsItsLinesWhenRunningAlone(String config) throws Exception {
    // the service's file over web-support's shared defaults, as the service's environment has them
    StandardEnvironment environment = new StandardEnvironment();
    for (PropertySource<?> source :
        new YamlPropertySourceLoader().load(config, new ClassPathResource(config))) {
      environment.getPropertySources().addLast(source);
    }
    new ServiceDefaults().postProcessEnvironment(environment, new SpringApplication());
    String pattern = environment.getProperty("logging.pattern.console");
    assertThat(pattern).as(config + " logging.pattern.console").isNotNull();

    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.putObject(
        ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY,
        Map.of(
            "wEx",
            org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter.class
                .getName()));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    Logger logger = context.getLogger("io.vitalflow.test");
    logger.addAppender(appender);
    logHugeLines(logger);
    context.stop();
    assertBounded(captured.toString(StandardCharsets.UTF_8));
  }

  private static void logHugeLines(org.slf4j.Logger logger) {
    logger.warn("values: {}", HUGE);
    // pgjdbc's batch errors quote every value of the batch in their message
    logger.error(
        "flush failed",
        new RuntimeException(
            new BatchUpdateException("Batch entry 0 insert ... " + HUGE, new int[0])));
  }

  private static void assertBounded(String output) {
    assertThat(output)
        .contains("values: xxx")
        .contains("flush failed")
        .contains("BatchUpdateException");
    List<String> lines = output.lines().toList();
    assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThan(10_200));
    assertThat(output.length()).as("both events together").isLessThan(15_000);
  }
}
