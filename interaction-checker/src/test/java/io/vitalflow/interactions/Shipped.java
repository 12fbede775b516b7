package io.vitalflow.interactions;

/** One shipped (build-time compiled) checker for the whole test JVM: it is thread-safe and cheap to share. */
final class Shipped {

    static final WasmInteractionChecker CHECKER = WasmInteractionChecker.shipped();

    private Shipped() {}
}
