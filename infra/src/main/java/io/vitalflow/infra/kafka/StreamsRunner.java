package io.vitalflow.infra.kafka;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

/** Runs one Kafka Streams topology for the lifetime of the application context. */
public final class StreamsRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

  private final Topology topology;
  private final Properties properties;
  private final MeterRegistry meters;
  private KafkaStreams streams;
  private KafkaStreamsMetrics metrics;

  public StreamsRunner(Topology topology, Properties properties, MeterRegistry meters) {
    this.topology = topology;
    this.properties = properties;
    this.meters = meters;
  }

  @Override
  public synchronized void start() {
    streams = new KafkaStreams(topology, properties);
    // A failed stream thread is replaced; its tasks resume from the last committed transaction.
    streams.setUncaughtExceptionHandler(error -> {
      log.error("Stream thread failed; replacing it", error);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> log.info("Kafka Streams {} -> {}", before, now));
    metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    streams.start();
  }

  @Override
  public synchronized void stop() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
      metrics.close();
      streams = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return streams != null;
  }

  /** The Streams state, for health checks. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }
}
