/**
 * How messages reach a client: the WebSocket endpoints (Reactor Netty route and WebFlux handler)
 * with the inbound frame handler, the SSE endpoint, one {@link
 * io.vitalflow.dashboard.push.transport.Connection} per client with its bounded, coalescing queue,
 * and the outlets into a Netty channel or a Reactor stream.
 */
package io.vitalflow.dashboard.push.transport;
