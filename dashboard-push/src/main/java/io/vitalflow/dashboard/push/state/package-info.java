/**
 * What the service knows and who gets it: the topic feed (reads the four topics), the latest state
 * per patient ({@link io.vitalflow.dashboard.push.state.LiveState}), the throttle of live values,
 * the {@link io.vitalflow.dashboard.push.state.Hub} that numbers, encodes once and fans out events,
 * the resume log, and the PostgreSQL store of stored values and acknowledgements.
 */
package io.vitalflow.dashboard.push.state;
