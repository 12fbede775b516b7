package io.vitalflow.fhir.write;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.search.ResourceSearch;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.schemas.FhirOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Plans the writes of a transaction Bundle before any command is sent: every entry gets its {@code
 * Type/id} (a new id for a create, the id its condition derives for a conditional create, or the
 * one resource the condition matches, which is then not written), the references between entries
 * ({@code urn:uuid:} full URLs) and conditional references ({@code Practitioner?identifier=...})
 * are rewritten to those ids, and {@code If-Match} preconditions are checked against the current
 * versions. The HTTP layer ({@code BundleController}) reads each entry's request and answers; the
 * commands then go to Kafka in one transaction ({@link Writes#submitAll}).
 */
public final class TransactionPlanner {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Pattern CONDITIONAL = Pattern.compile("^([A-Z][A-Za-z]+)\\?(.+)$");

  /** A RESTful absolute URL: group 1 is the base, e.g. {@code http://example.org/fhir}. */
  private static final Pattern RESTFUL =
      Pattern.compile("^(https?://.+)/[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}(?:/_history/[^/]+)?$");

  /** A relative reference to a resource, possibly to one of its versions. */
  private static final Pattern RELATIVE =
      Pattern.compile("^[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}(?:/_history/[A-Za-z0-9\\-.]{1,64})?$");

  private static final Pattern ABSOLUTE = Pattern.compile("^[a-z][a-z0-9+.\\-]*:");

  /**
   * One write of a transaction after ids are resolved.
   *
   * @param operation null when a conditional create found its resource
   * @param existing the resource a conditional create matched (nothing is written for it); null
   *     otherwise
   */
  public record Planned(
      BundleEntryComponent entry,
      FhirOperation operation,
      String type,
      String id,
      Long ifMatch,
      String ifNoneExist,
      StoredResource existing) {}

  private final ResourceSearch search;
  private final ResourceStore store;

  public TransactionPlanner(ResourceSearch search, ResourceStore store) {
    this.search = search;
    this.store = store;
  }

  /**
   * A create entry: a new id; with {@code ifNoneExist}, the id the condition derives when nothing
   * matches, or the one resource it matches. The condition is parsed at once (a malformed one
   * throws).
   */
  public Mono<Planned> create(BundleEntryComponent entry, String type, String ifNoneExist) {
    if (ifNoneExist == null) {
      return Mono.just(
          new Planned(
              entry, FhirOperation.CREATE, type, UUID.randomUUID().toString(), null, null, null));
    }
    Map<String, List<String>> condition = Conditions.parse(ifNoneExist);
    return search
        .findIds(type, condition, 2)
        .flatMap(
            ids ->
                switch (ids.size()) {
                  case 0 ->
                      Mono.just(
                          new Planned(
                              entry,
                              FhirOperation.CREATE,
                              type,
                              Conditions.idFor(type, condition),
                              null,
                              Conditions.canonical(condition),
                              null));
                  case 1 ->
                      store
                          .current(type, ids.get(0))
                          .map(
                              stored ->
                                  new Planned(entry, null, type, stored.id(), null, null, stored));
                  default ->
                      Mono.error(
                          new TransactionRejected(
                              HttpStatus.PRECONDITION_FAILED,
                              IssueType.DUPLICATE,
                              "ifNoneExist '" + ifNoneExist + "' matches more than one " + type));
                });
  }

  /**
   * A conditional update entry ({@code PUT Type?search}): no match creates the resource (with the
   * id of its body, or the id the condition derives, so that a retried transaction does not create
   * it twice), one match updates that resource, more than one fails the transaction with 412.
   */
  public Mono<Planned> conditionalUpdate(
      BundleEntryComponent entry, String type, String query, Long ifMatch) {
    Map<String, List<String>> condition = Conditions.parse(query);
    Resource resource = entry.getResource();
    String bodyId =
        resource != null && resource.hasIdElement() && resource.getIdElement().hasIdPart()
            ? resource.getIdElement().getIdPart()
            : null;
    return search
        .findIds(type, condition, 2)
        .map(
            ids -> {
              if (ids.size() > 1) {
                throw new TransactionRejected(
                    HttpStatus.PRECONDITION_FAILED,
                    IssueType.MULTIPLEMATCHES,
                    "The conditional update "
                        + type
                        + "?"
                        + query
                        + " matches more than one "
                        + type);
              }
              if (ids.isEmpty()) {
                String id = bodyId != null ? bodyId : Conditions.idFor(type, condition);
                return new Planned(entry, FhirOperation.UPDATE, type, id, ifMatch, null, null);
              }
              if (bodyId != null && !bodyId.equals(ids.get(0))) {
                throw new TransactionRejected(
                    HttpStatus.BAD_REQUEST,
                    IssueType.INVALID,
                    "The conditional update "
                        + type
                        + "?"
                        + query
                        + " matches "
                        + type
                        + "/"
                        + ids.get(0)
                        + " but the resource's id is "
                        + bodyId);
              }
              return new Planned(
                  entry, FhirOperation.UPDATE, type, ids.get(0), ifMatch, null, null);
            });
  }

  /**
   * A conditional delete entry ({@code DELETE Type?search}): no match deletes nothing (the entry is
   * answered 204 and nothing is written; {@link #nothing}), one match deletes that resource, more
   * than one fails the transaction with 412.
   */
  public Mono<Planned> conditionalDelete(
      BundleEntryComponent entry, String type, String query, Long ifMatch) {
    Map<String, List<String>> condition = Conditions.parse(query);
    return search
        .findIds(type, condition, 2)
        .map(
            ids ->
                switch (ids.size()) {
                  case 0 -> new Planned(entry, null, type, null, null, null, null);
                  case 1 ->
                      new Planned(
                          entry, FhirOperation.DELETE, type, ids.get(0), ifMatch, null, null);
                  default ->
                      throw new TransactionRejected(
                          HttpStatus.PRECONDITION_FAILED,
                          IssueType.MULTIPLEMATCHES,
                          "The conditional delete "
                              + type
                              + "?"
                              + query
                              + " matches more than one "
                              + type);
                });
  }

  /** A GET entry: nothing written; read after the writes. */
  public static Planned read(BundleEntryComponent entry, String type) {
    return new Planned(entry, null, type, null, null, null, null);
  }

  /**
   * True for an entry that writes nothing and found nothing: a GET, or a conditional delete that
   * matched no resource.
   */
  public static boolean nothing(Planned planned) {
    return planned.operation() == null && planned.existing() == null;
  }

  public static Planned update(BundleEntryComponent entry, String type, String id, Long ifMatch) {
    return new Planned(entry, FhirOperation.UPDATE, type, id, ifMatch, null, null);
  }

  public static Planned delete(BundleEntryComponent entry, String type, String id, Long ifMatch) {
    return new Planned(entry, FhirOperation.DELETE, type, id, ifMatch, null, null);
  }

  /**
   * The entries planned in Bundle order, their references rewritten and their {@code If-Match}
   * preconditions checked; fails with {@link TransactionRejected} (or the first entry's own error)
   * before anything is sent.
   *
   * @param base this server's base URL ({@code http://host/fhir}): absolute references to it become
   *     relative
   */
  public Mono<List<Planned>> plan(List<Mono<Planned>> entries, String base) {
    return Flux.concat(entries)
        .collectList()
        .flatMap(planned -> resolveReferences(planned, base).thenReturn(planned))
        .flatMap(planned -> checkPreconditions(planned).thenReturn(planned));
  }

  /**
   * Gives every entry's full URL its new {@code Type/id} and rewrites references, as the
   * specification resolves them in a Bundle: a reference equal to another entry's {@code fullUrl}
   * ({@code urn:uuid:}, or absolute such as {@code http://example.org/fhir/Patient/123}); a
   * relative reference of an entry whose {@code fullUrl} is absolute, resolved against that {@code
   * fullUrl}'s base, when it names another entry; conditional references ({@code Type?search}) to
   * the single resource they match; and absolute references to this server's base become relative.
   */
  private Mono<Void> resolveReferences(List<Planned> planned, String base) {
    Map<String, String> targets = new HashMap<>();
    for (Planned p : planned) {
      String fullUrl = p.entry().getFullUrl();
      if (fullUrl != null && !fullUrl.isBlank() && p.entry().getResource() != null) {
        targets.put(fullUrl, p.type() + "/" + p.id());
      }
    }
    List<Reference> references = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    Set<String> conditional = new LinkedHashSet<>();
    for (Planned p : planned) {
      Resource resource = p.entry().getResource();
      if (resource == null || p.existing() != null || p.operation() == null) {
        continue;
      }
      Matcher restful = RESTFUL.matcher(String.valueOf(p.entry().getFullUrl()));
      String entryBase = restful.matches() ? restful.group(1) : null;
      for (Reference reference :
          FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
        String target = reference.getReference();
        if (target == null || target.startsWith("#")) {
          continue;
        }
        references.add(reference);
        bases.add(entryBase);
        if (!targets.containsKey(target) && CONDITIONAL.matcher(target).matches()) {
          conditional.add(target);
        }
      }
    }
    return Flux.fromIterable(conditional)
        .flatMap(
            query -> {
              Matcher m = CONDITIONAL.matcher(query);
              m.matches();
              String type = m.group(1);
              return search
                  .findIds(type, Conditions.parse(m.group(2)), 2)
                  .map(
                      ids -> {
                        if (ids.size() != 1) {
                          throw new TransactionRejected(
                              HttpStatus.PRECONDITION_FAILED,
                              IssueType.NOTFOUND,
                              "The conditional reference "
                                  + query
                                  + " matches "
                                  + (ids.isEmpty() ? "no resource" : "more than one resource"));
                        }
                        return Map.entry(query, type + "/" + ids.get(0));
                      });
            },
            8)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .doOnNext(
            resolved -> {
              targets.putAll(resolved);
              for (int i = 0; i < references.size(); i++) {
                Reference reference = references.get(i);
                String target = reference.getReference();
                String rewritten = targets.get(target);
                if (rewritten == null && bases.get(i) != null && !ABSOLUTE.matcher(target).find()) {
                  rewritten = targets.get(bases.get(i) + "/" + target);
                }
                if (rewritten == null
                    && base != null
                    && target.startsWith(base + "/")
                    && RELATIVE.matcher(target.substring(base.length() + 1)).matches()) {
                  rewritten = target.substring(base.length() + 1);
                }
                if (rewritten != null) {
                  reference.setReference(rewritten);
                } else if (target.startsWith("urn:uuid:") || target.startsWith("urn:oid:")) {
                  throw new TransactionRejected(
                      HttpStatus.BAD_REQUEST,
                      IssueType.INVALID,
                      "The reference " + target + " names no entry of the transaction");
                }
              }
            })
        .then();
  }

  /**
   * If-Match of the transaction's entries against the current versions, before anything is sent.
   */
  private Mono<Void> checkPreconditions(List<Planned> planned) {
    return Flux.fromIterable(planned)
        .filter(p -> p.ifMatch() != null)
        .flatMap(
            p ->
                store
                    .current(p.type(), p.id())
                    .map(stored -> stored.versionId())
                    .defaultIfEmpty(-1L)
                    .doOnNext(
                        current -> {
                          if (current.longValue() != p.ifMatch().longValue()) {
                            throw new TransactionRejected(
                                HttpStatus.PRECONDITION_FAILED,
                                IssueType.CONFLICT,
                                "If-Match of "
                                    + p.type()
                                    + "/"
                                    + p.id()
                                    + " asks for version "
                                    + p.ifMatch()
                                    + " but the current version is "
                                    + (current < 0 ? "none" : current));
                          }
                        }))
        .then();
  }
}
