package io.vitalflow.interactions;

/**
 * What {@link WasmInteractionChecker#shipped()} does on a second thread while the calling thread
 * parses the plugin's module: loads the shipped knowledge (a {@link KnowledgeSnapshot}, a few
 * milliseconds), builds its name matcher (the warm-up resolves a name), and loads, verifies and
 * initializes the classes the first plugin instance and the first check will need (the Chicory
 * runtime, the build-time compiled plugin's classes, the logging backend behind the host's logger).
 * In a cold JVM loading and verifying those classes is a large part of the time to the first check;
 * on a machine with a free core it then overlaps with the module parsing instead of following it.
 *
 * <p>The class list is a hint, not a contract: a class that a later Chicory version no longer has
 * is skipped. None of these classes has a static initializer that needs another one of them, so
 * initializing them beside the main thread cannot deadlock.
 */
final class ColdStart implements Runnable {

  private static final String[] CLASSES = {
    "io.vitalflow.interactions.host.PluginHost", // its logger: the logging backend starts here
    "io.vitalflow.interactions.host.LoadedPlugin",
    "io.vitalflow.interactions.host.PluginInstance",
    "io.vitalflow.interactions.host.CallGuard",
    "com.dylibso.chicory.runtime.Instance",
    "com.dylibso.chicory.runtime.Instance$Builder",
    "com.dylibso.chicory.runtime.ImportValues",
    "com.dylibso.chicory.runtime.ByteArrayMemory",
    "com.dylibso.chicory.runtime.ConstantEvaluators",
    "com.dylibso.chicory.runtime.ExportFunction",
    "com.dylibso.chicory.runtime.OpcodeImpl",
    "com.dylibso.chicory.runtime.MemCopyWorkaround",
    "io.vitalflow.interactions.PluginCodec",
    "io.vitalflow.interactions.CheckResult",
    "io.vitalflow.interactions.Finding",
  };

  /** Classes chicory-compiler-maven-plugin generates beside the module class (its naming). */
  private static final String[] MACHINE_SUFFIXES = {
    "Machine", "MachineMachineCall", "MachineFuncGroup_0", "MachineShaded",
  };

  private volatile Knowledge knowledge;
  private volatile RuntimeException failure;

  /** Keeps the warm-up concatenation alive (see {@link #run}). */
  private volatile String concatenated;

  @Override
  public void run() {
    // Chicory's parser names the module's digest with a String + ":" + String concatenation; the
    // first such
    // invokedynamic concatenation in a JVM spins its method-handle forms (about ten classes,
    // milliseconds when
    // cold). Doing one of the same shape here first lets the main thread's parse reuse them.
    String thread = Thread.currentThread().getName();
    concatenated = thread + ":" + thread;
    Knowledge kb;
    try {
      kb = Knowledge.shipped();
      knowledge = kb;
    } catch (RuntimeException e) {
      failure = e;
      return;
    }
    ClassLoader loader = ColdStart.class.getClassLoader();
    String module = DrugInteractionsModule.class.getName();
    for (String suffix : MACHINE_SUFFIXES) {
      preload(module + suffix, loader);
    }
    for (String name : CLASSES) {
      preload(name, loader);
    }
    kb.resolve(new Medication(null, "aspirin")); // builds the name matcher the warm-up uses
  }

  private static void preload(String name, ClassLoader loader) {
    try {
      Class.forName(name, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      // only a hint: the thread that needs the class loads it (and reports any real problem)
    }
  }

  /** The knowledge, once {@link #run} has finished (join the thread first). */
  Knowledge knowledge() {
    RuntimeException e = failure;
    if (e != null) {
      throw e;
    }
    return knowledge;
  }
}
