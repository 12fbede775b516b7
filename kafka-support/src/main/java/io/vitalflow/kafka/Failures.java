package io.vitalflow.kafka;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What a sink failure means and how to name it in a log line. A failure is deterministic when the
 * same records would fail the same way again (a value the database cannot hold, a constraint);
 * anything else (connection lost, database shutting down, broker unreachable, a lock timeout) is
 * transient and retried.
 *
 * <p>Descriptions never carry exception messages: PostgreSQL's messages and pgjdbc's batch errors
 * quote the failing values ("Failing row contains (...)", "Batch entry 0 insert ... values (...)"),
 * and one such line once held 62 MB of patient data. They name the exception classes, the SQLState
 * and the schema objects involved.
 */
public final class Failures {

  /** SQLState classes of errors that depend on the data, not on the database's condition. */
  private static final Set<String> DATA_CLASSES =
      Set.of(
          "21", // cardinality violation (e.g. one upsert touching a row twice)
          "22", // data exception (value too long, out of range, invalid text)
          "23", // integrity constraint violation
          "54"); // program limit exceeded (e.g. an index row larger than a B-tree page allows)

  private static final Map<String, String> NAMES =
      Map.of(
          "21",
          "cardinality_violation",
          "22",
          "data_exception",
          "23",
          "integrity_constraint_violation",
          "54",
          "program_limit_exceeded",
          "08",
          "connection_exception",
          "40",
          "transaction_rollback",
          "53",
          "insufficient_resources",
          "57",
          "operator_intervention",
          "42",
          "syntax_error_or_access_rule_violation");

  private static final int MAX_DESCRIPTION = 300;

  private Failures() {}

  /** True when retrying the same records would fail again. */
  public static boolean deterministic(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KafkaException || t instanceof IOException) {
        return false;
      }
      if (t instanceof SQLException sql) {
        String state = sqlState(sql);
        if (state != null) {
          return DATA_CLASSES.contains(state.substring(0, 2));
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    // not a database or broker failure: a record the batch cannot encode (thrown the same way every
    // time)
    return failure instanceof RuntimeException;
  }

  /**
   * Exception classes, SQLState and schema object names; never a message. At most 300 characters.
   */
  public static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 4; t = t.getCause(), depth++) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName());
      if (t instanceof SQLException sql) {
        appendSqlState(text, sql);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.length() > MAX_DESCRIPTION
        ? text.substring(0, MAX_DESCRIPTION) + "..."
        : text.toString();
  }

  /**
   * The same chain of exceptions with the same stack traces but without their messages, for a stack
   * trace at WARN or ERROR: each link names its original class, SQLState and schema objects ({@link
   * #describe}'s words).
   */
  public static Throwable redacted(Throwable failure) {
    return redacted(failure, 0);
  }

  private static Throwable redacted(Throwable failure, int depth) {
    if (failure == null || depth >= 8) {
      return null;
    }
    StringBuilder text = new StringBuilder(failure.getClass().getName());
    if (failure instanceof SQLException sql) {
      appendSqlState(text, sql);
    }
    Throwable cause = failure.getCause() == failure ? null : failure.getCause();
    Redacted copy = new Redacted(text.toString(), redacted(cause, depth + 1));
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  /**
   * A link of {@link #redacted}: its message is the original's class name, never the original's
   * message.
   */
  static final class Redacted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Redacted(String message, Throwable cause) {
      super(message, cause, false, true);
    }

    @Override
    public String toString() {
      return "[redacted] " + getMessage();
    }
  }

  private static void appendSqlState(StringBuilder text, SQLException sql) {
    String state = sqlState(sql);
    if (state == null) {
      return;
    }
    text.append(" SQLState ").append(state);
    String name = NAMES.get(state.substring(0, 2));
    if (name != null) {
      text.append(" (").append(name).append(')');
    }
    SQLException server = sql.getSQLState() != null ? sql : sql.getNextException();
    if (server instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage error = psql.getServerErrorMessage();
      appendName(text, "table", error.getTable());
      appendName(text, "column", error.getColumn());
      appendName(text, "constraint", error.getConstraint());
    }
  }

  private static void appendName(StringBuilder text, String what, String name) {
    if (name != null && !name.isBlank()) {
      text.append(' ')
          .append(what)
          .append(' ')
          .append(name.length() > 63 ? name.substring(0, 63) : name);
    }
  }

  /** The SQLState of the exception or, for a batch, of the first server error behind it. */
  private static String sqlState(SQLException sql) {
    String state = sql.getSQLState();
    if (state == null && sql.getNextException() != null) {
      state = sql.getNextException().getSQLState();
    }
    return state != null && state.length() >= 2 ? state : null;
  }
}
