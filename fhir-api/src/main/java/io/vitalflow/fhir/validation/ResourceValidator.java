package io.vitalflow.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import io.vitalflow.fhir.FhirProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Profile validation with HAPI's instance validator against the R4 core definitions shipped in
 * {@code hapi-fhir-validation-resources-r4} (offline: no terminology server; code systems it cannot
 * check, such as LOINC or SNOMED CT, are warnings, not errors). Used by {@code $validate} and, when
 * {@code vitalflow.fhir.validate-on-write} is on, by every create and update.
 *
 * <p>Loading takes seconds of CPU (the core StructureDefinitions are parsed and snapshots made on
 * first use), so it happens once: in the background at startup when validate-on-write is on (writes
 * need it), otherwise lazily on the first {@code $validate}. Validation itself is blocking CPU work
 * and runs on the bounded elastic scheduler, never on an event loop.
 */
@Component
public final class ResourceValidator {

  private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

  private final boolean onWrite;
  private CompletableFuture<FhirValidator> validator;

  public ResourceValidator(FhirProperties properties) {
    this.onWrite = properties.validateOnWrite();
    if (onWrite) {
      load();
    }
  }

  /** Whether creates and updates are validated ({@code vitalflow.fhir.validate-on-write}). */
  public boolean onWrite() {
    return onWrite;
  }

  /** The issues of {@code resource}, errors and warnings, as an OperationOutcome. */
  public Mono<Validated> validate(IBaseResource resource) {
    // suppressCancel: a client that goes away must not cancel the one shared loading
    return Mono.fromFuture(load(), true)
        .publishOn(Schedulers.boundedElastic())
        .map(v -> validated(v.validateWithResult(resource)));
  }

  /**
   * The result of one validation.
   *
   * @param outcome every issue the validator found (an information issue when there is none)
   * @param errors the error and fatal issues, as {@code location: message}
   */
  public record Validated(OperationOutcome outcome, List<String> errors) {

    public boolean valid() {
      return errors.isEmpty();
    }
  }

  private static Validated validated(ValidationResult result) {
    List<String> errors = new ArrayList<>();
    for (SingleValidationMessage message : result.getMessages()) {
      if (message.getSeverity() == ResultSeverityEnum.ERROR
          || message.getSeverity() == ResultSeverityEnum.FATAL) {
        errors.add(message.getLocationString() + ": " + message.getMessage());
      }
    }
    OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
    if (outcome.getIssue().isEmpty()) {
      outcome
          .addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
          .setCode(OperationOutcome.IssueType.INFORMATIONAL)
          .setDiagnostics("No issues found: the resource is valid against the R4 core profiles");
    }
    return new Validated(outcome, errors);
  }

  private synchronized CompletableFuture<FhirValidator> load() {
    if (validator == null) {
      validator = CompletableFuture.supplyAsync(ResourceValidator::build);
    }
    return validator;
  }

  private static FhirValidator build() {
    long start = System.nanoTime();
    FhirContext fhir = FhirContext.forR4();
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(fhir),
            new CommonCodeSystemsTerminologyService(fhir),
            new InMemoryTerminologyServerValidationSupport(fhir),
            new SnapshotGeneratingValidationSupport(fhir));
    FhirValidator validator = fhir.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(chain));
    // the first validation loads the core definitions: pay for it here, not in a request
    validator.validateWithResult(new Patient().setActive(true));
    log.info(
        "FHIR validator ready in {} ms (R4 core definitions, offline)",
        (System.nanoTime() - start) / 1_000_000);
    return validator;
  }
}
