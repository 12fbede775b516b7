package io.vitalflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PartitionMaintenance;
import io.vitalflow.storage.PostgresCoordinates;
import io.vitalflow.storage.StorageLayout;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class LocalStackTest {

  private final LocalStack stack = LocalStack.shared();

  @Test
  void createsEveryCatalogueTopicOnceAndIsIdempotent() throws Exception {
    String prefix = stack.freshTopicPrefix();
    TopicAdmin.ensureTopics(stack.kafkaBootstrap(), prefix, (short) 1);

    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      for (var topic : Topics.ALL) {
        assertThat(names).contains(prefix + topic.name());
      }
      var description =
          admin
              .describeTopics(Set.of(prefix + Topics.VITALS_RAW.name()))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get(prefix + Topics.VITALS_RAW.name());
      assertThat(description.partitions()).hasSize(Topics.VITALS_RAW.partitions());
    }
  }

  @Test
  void migratesToTheNativeLayoutWithDailyPartitionsAndIsRepeatable() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("migrations");
    assertThat(Migrations.migrate(database.dataSource())).isEqualTo(StorageLayout.NATIVE);

    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      ResultSet partitions =
          statement.executeQuery(
              """
          select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent
           where p.relname = 'vital_reading'""");
      partitions.next();
      assertThat(partitions.getInt(1)).isGreaterThanOrEqualTo(12);

      statement.execute(
          """
          insert into vital_reading values ('p1', '8867-4', now(), 72, '/min', 'd1', 'r1', now(), now())""");
      ResultSet hourly =
          statement.executeQuery(
              "select count, mean from vital_reading_hourly where patient_id = 'p1'");
      assertThat(hourly.next()).isTrue();
      assertThat(hourly.getLong(1)).isEqualTo(1);
      assertThat(hourly.getDouble(2)).isEqualTo(72.0);
    }
  }

  @Test
  void partitionMaintenanceCreatesAheadAndDropsExpiredDays() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("partitions");
    // Pretend it is 40 days later: the partitions made at migration time have all expired.
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(40)), ZoneOffset.UTC);
    var maintenance =
        new PartitionMaintenance(
            database.dataSource(),
            Duration.ofDays(7),
            Duration.ofDays(3),
            Duration.ofDays(30),
            later);

    PartitionMaintenance.Result first = maintenance.run();

    assertThat(first.created()).isGreaterThanOrEqualTo(8);
    assertThat(first.dropped()).isGreaterThanOrEqualTo(1);
    assertThat(maintenance.run()).isEqualTo(new PartitionMaintenance.Result(0, 0));
  }
}
