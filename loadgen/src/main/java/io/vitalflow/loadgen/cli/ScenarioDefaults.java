package io.vitalflow.loadgen.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of shared flags (mixins) that differ by scenario: asks the command's {@link
 * Scenario#defaults()}. Picocli uses them like annotated defaults, in values and in {@code --help}.
 */
public final class ScenarioDefaults implements IDefaultValueProvider {

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option
        && argSpec.command() != null
        && argSpec.command().userObject() instanceof Scenario scenario) {
      return scenario.defaults().get(option.longestName().substring(2));
    }
    return null;
  }
}
