package io.vitalflow.loadgen.vitals;

import io.vitalflow.loadgen.auth.Auth;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code vitals} scenario's settings, checked from its flags by {@link VitalsCommand}.
 *
 * @param ingestBase the gateway's base URL
 * @param rate readings offered per second
 * @param duration how long readings are offered
 * @param patients distinct simulated patients
 * @param batch readings per NDJSON request
 * @param concurrency requests in flight at most
 * @param drainTimeout how long to wait for accepted readings to be stored
 * @param reportDir where the Markdown and HTML reports go
 */
public record VitalsOptions(
    URI ingestBase,
    int rate,
    Duration duration,
    int patients,
    int batch,
    int concurrency,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Duration drainTimeout,
    Path reportDir,
    Auth auth) {}
