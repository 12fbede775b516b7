package io.vitalflow.fhir.write;

import io.vitalflow.fhir.search.InvalidSearchException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Conditional-create conditions ({@code If-None-Exist}, {@code ifNoneExist} of a Bundle entry):
 * parsed, canonical and the id they give. A condition is a search, so a malformed one is an {@link
 * InvalidSearchException} (400).
 */
public final class Conditions {

  private Conditions() {}

  public static Map<String, List<String>> parse(String query) {
    String q = query.contains("?") ? query.substring(query.indexOf('?') + 1) : query;
    MultiValueMap<String, String> params =
        UriComponentsBuilder.newInstance().query(q).build().getQueryParams();
    Map<String, List<String>> decoded = new LinkedHashMap<>();
    params.forEach(
        (name, values) ->
            decoded.put(decode(name), values.stream().map(Conditions::decode).toList()));
    if (decoded.isEmpty()) {
      throw new InvalidSearchException(
          "If-None-Exist must hold a search such as identifier=system|value");
    }
    return decoded;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  public static String canonical(Map<String, List<String>> condition) {
    Map<String, List<String>> sorted = new TreeMap<>();
    condition.forEach((name, values) -> sorted.put(name, values.stream().sorted().toList()));
    return sorted.toString();
  }

  /**
   * The id a conditional create gives its resource: derived from the condition, so concurrent
   * identical conditional creates are commands on the same resource and the processor lets only the
   * first create it.
   */
  public static String idFor(String type, Map<String, List<String>> condition) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((type + "?" + canonical(condition)).getBytes(StandardCharsets.UTF_8));
      return "c-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
