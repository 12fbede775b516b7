package io.vitalflow.storage.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The one failure policy of every sink, on a real broker and PostgreSQL: a record the database
 * cannot hold is set aside (dead-letter topic, hook, metric) and the records around and behind it
 * are stored; a transient failure is retried until it goes away, and health follows; no log line
 * carries a value.
 */
class PostgresSinkTest {

  private final LocalStack stack = LocalStack.shared();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger sinkLog = (Logger) LoggerFactory.getLogger(PostgresSink.class);
  private String topic;
  private PostgresCoordinates database;

  @BeforeEach
  void setUp() {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Topic<String, byte[]> source =
        new Topic<>("sinktest.v1", 3, Map.of(), Serdes.String(), Serdes.ByteArray());
    Topic<String, byte[]> deadLetters =
        new Topic<>(source.deadLetterName(), 3, Map.of(), Serdes.String(), Serdes.ByteArray());
    TopicAdmin.ensureTopics(
        stack.kafkaBootstrap(), prefix, (short) 1, List.of(source, deadLetters));
    topic = prefix + source.name();
    database = stack.freshDatabase("sink_policy");
    logs.start();
    sinkLog.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    sinkLog.detachAppender(logs);
  }

  @Test
  void aValueTheIndexCannotHoldIsDeadLetteredAndEverythingElseIsStored() throws Exception {
    execute(
        "create table item (k text primary key, v text not null)",
        "create index item_v on item (v)",
        "create table item_dead (source text, reason text)");
    // random hex does not compress: far beyond the ~2,700 bytes a B-tree entry can hold
    byte[] random = new byte[10_000];
    new SecureRandom().nextBytes(random);
    String poison = "SECRET" + HexFormat.of().formatHex(random);

    try (PostgresSink sink = sink("policy")) {
      sink.start();
      send(0, 40, null);
      send(40, 1, poison);
      send(41, 59, null);

      await().atMost(Duration.ofSeconds(60)).until(() -> count("select count(*) from item") == 99);
      List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(1);
      assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k40");
      assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(poison);
      assertThat(header(dead.get(0), Topics.DLQ_HEADER_ERROR))
          .contains("54000")
          .doesNotContain("SECRET");
      assertThat(header(dead.get(0), Topics.DLQ_HEADER_SOURCE))
          .startsWith(topic + "-")
          .contains("@");
      assertThat(header(dead.get(0), Topics.DLQ_HEADER_SINK)).isEqualTo("policy");
      assertThat(count("select count(*) from item_dead where reason like '%54000%'")).isEqualTo(1);
      assertThat(meters.counter("vitalflow.sink.dead.letters", "sink", "policy").count())
          .isEqualTo(1.0);

      // the sink goes on with what comes after
      send(100, 10, null);
      await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from item") == 109);
      assertThat(sink.health().up(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.health().deadLetters()).isEqualTo(1);
    }
    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(
            event -> {
              assertThat(event.getFormattedMessage())
                  .doesNotContain("SECRET")
                  .hasSizeLessThan(1_000);
              assertThat(
                      event.getThrowableProxy() == null
                          || event.getLevel().toInt() < ch.qos.logback.classic.Level.INFO_INT)
                  .as("no stack traces (which quote values) at INFO and above")
                  .isTrue();
            });
  }

  @Test
  void aTransientFailureIsRetriedWithHealthDownUntilItGoesAway() throws Exception {
    execute("create table item_dead (source text, reason text)");
    try (PostgresSink sink = sink("transient")) {
      sink.start();
      send(0, 20, null);
      // no table yet: every attempt fails the same way, which is not the data's fault (SQLState
      // 42P01)
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sink.health().failingFor().toMillis() > 1_500);
      assertThat(sink.health().up(Duration.ofSeconds(1))).isFalse();
      assertThat(readDeadLetters(0)).isEmpty();

      execute("create table item (k text primary key, v text not null)");
      await().atMost(Duration.ofSeconds(40)).until(() -> count("select count(*) from item") == 20);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.health().up(Duration.ofSeconds(1)));
      assertThat(sink.health().deadLetters()).isZero();
    }
    long warnings =
        logs.list.stream().filter(e -> e.getFormattedMessage().contains("cannot store")).count();
    assertThat(warnings).as("logged when it starts, not per attempt").isEqualTo(1);
    // a consumer made anew after each failed attempt has no partitions while it joins: that is no
    // recovery
    long recoveries =
        logs.list.stream().filter(e -> e.getFormattedMessage().contains("stores again")).count();
    assertThat(recoveries).as("one recovery, after the table exists").isEqualTo(1);
  }

  private PostgresSink sink(String name) {
    var settings =
        new SinkSettings(
            name,
            name + "-" + UUID.randomUUID(),
            List.of(topic),
            500,
            Duration.ofMillis(50),
            1,
            Duration.ofSeconds(10));
    return new PostgresSink(
        KafkaClients.of(stack.kafkaBootstrap()),
        database.dataSource(),
        settings,
        ItemBatch::new,
        meters);
  }

  /** Inserts key and value; a dead letter is recorded in {@code item_dead}. */
  private static final class ItemBatch implements SinkBatch {
    private final List<String[]> rows = new ArrayList<>();

    @Override
    public void add(ConsumerRecord<byte[], byte[]> record) {
      rows.add(
          new String[] {
            new String(record.key(), StandardCharsets.UTF_8),
            new String(record.value(), StandardCharsets.UTF_8)
          });
    }

    @Override
    public void write(Connection connection) throws SQLException {
      try (PreparedStatement insert =
          connection.prepareStatement("insert into item (k, v) values (?, ?)")) {
        for (String[] row : rows) {
          insert.setString(1, row[0]);
          insert.setString(2, row[1]);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    @Override
    public void deadLettered(
        ConsumerRecord<byte[], byte[]> record, String reason, Connection connection)
        throws SQLException {
      try (PreparedStatement insert =
          connection.prepareStatement("insert into item_dead values (?, ?)")) {
        insert.setString(1, record.topic() + "@" + record.offset());
        insert.setString(2, reason);
        insert.executeUpdate();
      }
    }

    @Override
    public void clear() {
      rows.clear();
    }
  }

  private void send(int first, int n, String value) throws Exception {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      for (int i = first; i < first + n; i++) {
        producer
            .send(new ProducerRecord<>(topic, "k" + i, value != null ? value : "value-" + i))
            .get();
      }
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topic.deadLetterName(topic)));
      long deadline = System.nanoTime() + Duration.ofSeconds(expected == 0 ? 2 : 20).toNanos();
      while (records.size() < Math.max(1, expected) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).hasSize(expected);
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private void execute(String... statements) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
