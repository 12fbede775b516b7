package io.vitalflow.storage;

/** How raw vitals are stored. */
public enum StorageLayout {
  /**
   * TimescaleDB hypertable with compression and retention policies and an hourly continuous
   * aggregate.
   */
  TIMESCALE("timescale"),
  /**
   * Native declarative range partitioning by day; partitions created ahead and dropped by the
   * application.
   */
  NATIVE("native");

  private final String location;

  StorageLayout(String location) {
    this.location = location;
  }

  String location() {
    return location;
  }
}
