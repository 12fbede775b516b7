package io.vitalflow.interactions.host;

/** How a plugin version's code runs. */
public enum Engine {
  /** compiled to JVM bytecode at build time by chicory-compiler-maven-plugin */
  AOT,
  /** Chicory's interpreter: no compile step, slowest calls */
  INTERPRETER,
  /** compiled to JVM bytecode in the running process */
  RUNTIME_COMPILED
}
