package io.vitalflow.platform.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A token of the cluster's authorization server for fixed scopes, renewed every 2 minutes (they
 * live 5).
 */
final class ClusterToken implements Supplier<String> {
  private final LocalCluster cluster;
  private final String[] scopes;
  private String token;
  private Instant fetched = Instant.EPOCH;

  ClusterToken(LocalCluster cluster, String... scopes) {
    this.cluster = cluster;
    this.scopes = scopes.clone();
  }

  @Override
  public synchronized String get() {
    if (token == null || Duration.between(fetched, Instant.now()).toMinutes() >= 2) {
      token = cluster.auth().token(scopes);
      fetched = Instant.now();
    }
    return token;
  }
}
