/**
 * What the messages are (docs/dashboard-protocol.md): the JSON payloads, their encoding ({@link
 * io.vitalflow.dashboard.push.protocol.Messages}), a message encoded once for every transport
 * ({@link io.vitalflow.dashboard.push.protocol.Frame}), resume tokens and close reasons.
 */
package io.vitalflow.dashboard.push.protocol;
