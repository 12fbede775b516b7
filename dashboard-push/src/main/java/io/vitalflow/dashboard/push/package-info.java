/**
 * Live dashboards: {@link io.vitalflow.dashboard.push.DashboardService} (what the server does with
 * each client message: subscribe, unsubscribe, ack, ping; ward moves, heartbeats, silent clients),
 * the wiring and periodic work ({@code PushConfiguration}) and the metrics. The parts: {@code
 * transport} (how messages reach a client), {@code state} (what the service knows and fans out) and
 * {@code protocol} (what the messages are).
 */
package io.vitalflow.dashboard.push;
