package io.vitalflow.auth;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.text.ParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services clients send a client assertion without {@code client_id} (RFC 7523 does
 * not need it: the assertion's {@code sub} is the client), while Spring Authorization Server
 * requires the parameter. This converter supplies {@code client_id} from the (not yet verified)
 * assertion's {@code sub} when it is missing; the assertion is then verified as usual, against the
 * key of the client it names.
 */
final class AssertionClientId implements AuthenticationConverter {

  private final AuthenticationConverter delegate;

  AssertionClientId(AuthenticationConverter delegate) {
    this.delegate = delegate;
  }

  @Override
  public Authentication convert(HttpServletRequest request) {
    String assertion = request.getParameter("client_assertion");
    if (assertion == null || request.getParameter("client_id") != null) {
      return delegate.convert(request);
    }
    String subject;
    try {
      subject = SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
    } catch (ParseException e) {
      subject = null;
    }
    if (subject == null) {
      return delegate.convert(request);
    }
    Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
    parameters.put("client_id", new String[] {subject});
    Map<String, String[]> withClientId = Collections.unmodifiableMap(parameters);
    return delegate.convert(
        new HttpServletRequestWrapper(request) {
          @Override
          public String getParameter(String name) {
            String[] values = withClientId.get(name);
            return values == null || values.length == 0 ? null : values[0];
          }

          @Override
          public Map<String, String[]> getParameterMap() {
            return withClientId;
          }

          @Override
          public String[] getParameterValues(String name) {
            return withClientId.get(name);
          }

          @Override
          public java.util.Enumeration<String> getParameterNames() {
            return Collections.enumeration(withClientId.keySet());
          }
        });
  }
}
