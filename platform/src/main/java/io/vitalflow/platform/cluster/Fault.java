package io.vitalflow.platform.cluster;

import java.time.Duration;
import java.util.List;

/** The faults of the fault scenario, in the order of issue 17; each is injected and repaired. */
public enum Fault {
  /** SIGKILL of the Kafka node leading the most partitions; started again after the downtime. */
  BROKER_LEADER("SIGKILL of the broker leading most partitions, restarted"),
  /** SIGKILL of the active KRaft controller; started again after the downtime. */
  CONTROLLER("SIGKILL of the active controller, restarted"),
  /** SIGKILL of processor instance 1: its tasks and sink partitions move to the others. */
  PROCESSOR("SIGKILL of processor instance 1, restarted"),
  /** SIGKILL of FHIR API instance 1 behind HAProxy. */
  FHIR("SIGKILL of FHIR API instance 1, restarted"),
  /** SIGKILL of gateway instance 1 behind HAProxy. */
  INGEST("SIGKILL of gateway instance 1, restarted"),
  /** SIGTERM and start again of every instance, one at a time. */
  ROLLING_RESTART("rolling SIGTERM restart of every instance"),
  /** PostgreSQL stopped and started on the same data. */
  POSTGRES("PostgreSQL restart");

  private final String description;

  Fault(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Injects the fault, waits {@code downtime} and repairs it (the restarts wait for readiness). */
  void inject(LocalCluster cluster, Duration downtime) {
    switch (this) {
      case BROKER_LEADER -> {
        int node = cluster.leaderOfMostPartitions();
        cluster.killBroker(node);
        pause(downtime);
        cluster.restartBroker(node);
      }
      case CONTROLLER -> {
        int node = cluster.activeController();
        cluster.killBroker(node);
        pause(downtime);
        cluster.restartBroker(node);
      }
      case PROCESSOR -> killAndRestart(cluster, Service.PROCESSOR, downtime);
      case FHIR -> killAndRestart(cluster, Service.FHIR, downtime);
      case INGEST -> killAndRestart(cluster, Service.INGEST, downtime);
      case ROLLING_RESTART -> {
        for (Service service :
            List.of(Service.PROCESSOR, Service.FHIR, Service.INGEST, Service.DASHBOARD)) {
          for (ServiceInstance instance : cluster.instances(service)) {
            cluster.terminate(service, instance.index());
            cluster.restart(service, instance.index());
          }
        }
      }
      case POSTGRES -> cluster.restartPostgres();
    }
  }

  private static void killAndRestart(LocalCluster cluster, Service service, Duration downtime) {
    cluster.kill(service, 1);
    pause(downtime);
    cluster.restart(service, 1);
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
