package io.vitalflow.fhir.search;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * UCUM normalisation of the common units, so that {@code 70 kg} and {@code 70000 g} match each
 * other: mass to {@code g}, length to {@code m}, time to {@code s}, volume to {@code L},
 * temperature differences are not converted (Cel and [degF] stay as written). Other units are
 * compared as written (system and code must match).
 */
final class Ucum {

  static final String SYSTEM = "http://unitsofmeasure.org";

  /** A canonical unit and value. */
  record Canonical(String code, BigDecimal value) {}

  private static final Map<String, Canonical> FACTORS =
      Map.ofEntries(
          unit("kg", "g", "1000"),
          unit("g", "g", "1"),
          unit("mg", "g", "0.001"),
          unit("ug", "g", "0.000001"),
          unit("ng", "g", "0.000000001"),
          unit("[lb_av]", "g", "453.59237"),
          unit("[oz_av]", "g", "28.349523125"),
          unit("km", "m", "1000"),
          unit("m", "m", "1"),
          unit("cm", "m", "0.01"),
          unit("mm", "m", "0.001"),
          unit("um", "m", "0.000001"),
          unit("[in_i]", "m", "0.0254"),
          unit("[ft_i]", "m", "0.3048"),
          unit("s", "s", "1"),
          unit("ms", "s", "0.001"),
          unit("min", "s", "60"),
          unit("h", "s", "3600"),
          unit("d", "s", "86400"),
          unit("wk", "s", "604800"),
          unit("mo", "s", "2629800"),
          unit("a", "s", "31557600"),
          unit("L", "L", "1"),
          unit("l", "L", "1"),
          unit("dL", "L", "0.1"),
          unit("mL", "L", "0.001"),
          unit("ml", "L", "0.001"));

  private Ucum() {}

  private static Map.Entry<String, Canonical> unit(String code, String base, String factor) {
    return Map.entry(code, new Canonical(base, new BigDecimal(factor)));
  }

  /** The canonical form of {@code value code} in UCUM, or null when the unit is not normalised. */
  static Canonical canonical(String system, String code, BigDecimal value) {
    if (code == null || value == null || (system != null && !SYSTEM.equals(system))) {
      return null;
    }
    Canonical factor = FACTORS.get(code);
    if (factor == null) {
      return null;
    }
    return new Canonical(
        factor.code(), value.multiply(factor.value(), MathContext.DECIMAL64).stripTrailingZeros());
  }
}
