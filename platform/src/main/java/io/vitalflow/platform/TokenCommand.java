package io.vitalflow.platform;

import io.vitalflow.auth.AuthFiles;
import io.vitalflow.auth.DevelopmentClients;
import io.vitalflow.auth.TokenClient;
import io.vitalflow.auth.TokenException;
import io.vitalflow.loadgen.cli.HelpOption;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./vitalflow token}: an access token from the local authorization server of a running
 * {@code ./vitalflow start}, printed alone on stdout so that {@code curl -H "Authorization: Bearer
 * $(./vitalflow token)"} works. It reads the server's URL and the command-line client's secret from
 * the data directory (docs/security.md "Getting a token").
 */
@Command(
    name = "token",
    showDefaultValues = true,
    description = {
      "Prints an access token of the local authorization server of ./vitalflow start (and nothing"
          + " else), e.g. curl -H \"Authorization: Bearer $(./vitalflow token)\" ...",
      "Exit 2 when no platform runs on the data directory or the server refuses (bad scope, unknown"
          + " user), 1 for other failures."
    })
final class TokenCommand {

  @Mixin HelpOption help;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      defaultValue = "system/*.rs",
      description =
          "Scopes (repeat the flag or separate with spaces), e.g. 'system/*.rs', 'patient/Observation.rs',"
              + " 'vitalflow/ops'.")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--patient",
      paramLabel = "ID",
      description = "A patient-context token for this patient (claim patient), e.g. sim-1.")
  String patient;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description =
          "A token of a development user (sub, wards): nurse-a, nurse-b, admin, patient-a.")
  String user;

  @Option(
      names = "--data-dir",
      defaultValue = ".vitalflow",
      description = "Data directory of ./vitalflow start.")
  Path dataDir;

  /** Asks for the token; exit code 0, 1 or 2. */
  int run(PrintStream out, PrintStream err) {
    Path authDir = dataDir.resolve("auth");
    Optional<String> url = AuthFiles.read(authDir, AuthFiles.URL);
    Optional<String> secret = AuthFiles.read(authDir, AuthFiles.CLI_SECRET);
    if (url.isEmpty() || secret.isEmpty()) {
      err.println(notRunning());
      return 2;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (patient != null) {
      parameters.put("patient", patient);
    }
    if (user != null) {
      parameters.put("user", user);
    }
    try {
      String token =
          new TokenClient(URI.create(url.get() + "/oauth2/token"))
              .clientCredentials(DevelopmentClients.CLI, secret.get(), scopes(), parameters);
      out.println(token);
      out.flush();
      return 0;
    } catch (TokenException e) {
      err.println("vitalflow token: " + e.getMessage());
      return e.status() == 400 || e.status() == 401 ? 2 : 1;
    } catch (java.net.ConnectException e) {
      err.println(notRunning() + " (nothing answers at " + url.get() + ")");
      return 2;
    } catch (IOException e) {
      err.println("vitalflow token: cannot reach " + url.get() + ": " + e);
      return 1;
    }
  }

  private List<String> scopes() {
    List<String> all = new ArrayList<>();
    for (String given : scopes) {
      for (String scope : given.trim().split("\\s+")) {
        if (!scope.isEmpty()) {
          all.add(scope);
        }
      }
    }
    return all;
  }

  private String notRunning() {
    return "vitalflow token: no VitalFlow platform is running on "
        + dataDir
        + " (start one with ./vitalflow start, or give --data-dir)";
  }
}
