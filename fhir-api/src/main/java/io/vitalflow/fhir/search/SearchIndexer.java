package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.search.IndexEntries.DateRange;
import io.vitalflow.fhir.search.IndexEntries.Text;
import io.vitalflow.fhir.search.IndexEntries.Token;
import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import io.vitalflow.schemas.FhirDates;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;

/**
 * Extracts the search index entries of an R4 resource for every parameter in {@link
 * SearchParameters}: each parameter's FHIRPath expression (parsed once) is evaluated with the R4
 * FHIRPath engine, and each value it yields becomes rows by the parameter's type. {@code resolve()}
 * yields an empty resource of the referenced type, so that {@code where(resolve() is Patient)}
 * works without reading anything. Only reads the resource, so it is thread-safe as long as nobody
 * writes the resource meanwhile. Values it cannot index (a malformed date, a reference without type
 * and several possible targets, a contained or conditional reference, an expression the engine
 * fails on) are skipped.
 */
public final class SearchIndexer {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern ABSOLUTE_URL = Pattern.compile("(?:https?://|urn:)");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final FHIRPathEngine ENGINE = engine();

  /** Per resource type: the indexed parameters with their parsed expressions. */
  private static final Map<String, List<Compiled>> COMPILED = compile();

  private record Compiled(
      SearchParameters.Definition definition,
      ExpressionNode expression,
      List<ExpressionNode> parts,
      List<Walk> walks,
      List<List<Walk>> partWalks) {

    /** The values of composite component {@code index} of {@code element}. */
    List<Base> part(int index, Resource resource, Base element) {
      List<Walk> walked = partWalks.get(index);
      if (walked == null) {
        return ENGINE.evaluate(null, resource, resource, element, parts.get(index));
      }
      List<Base> values = new ArrayList<>();
      for (Walk walk : walked) {
        walk.collect(element, 0, values);
      }
      return values;
    }

    /** The values of the parameter in {@code resource}: by element walks when it has them. */
    List<Base> evaluate(Resource resource, boolean fhirPathOnly) {
      if (walks == null || fhirPathOnly) {
        return ENGINE.evaluate(resource, expression);
      }
      List<Base> values = new ArrayList<>();
      for (Walk walk : walks) {
        walk.collect(resource, 0, values);
      }
      return values;
    }
  }

  /**
   * A precompiled path {@code a.b.c}, optionally {@code (a.b).where($this is T)}: the element
   * children by name ({@link Base#getProperty}, what the FHIRPath engine does for each name)
   * without the engine's per-step overhead; the common shapes of the R4 expressions.
   */
  private record Walk(String[] names, int[] hashes, Class<?> type) {

    private static final Pattern SIMPLE =
        Pattern.compile(
            "\\(?([a-z][A-Za-z]*(?:\\.[a-z][A-Za-z]*)*)\\)?(?:\\.where\\(\\$this is (\\w+)\\))?");

    /** The walk of one union branch, or null when it is not one of the simple shapes. */
    static Walk of(String branch) {
      java.util.regex.Matcher matcher = SIMPLE.matcher(branch.trim());
      if (!matcher.matches()) {
        return null;
      }
      String path = matcher.group(1);
      boolean parenthesised = branch.trim().startsWith("(");
      if (parenthesised != branch.trim().contains(")")) {
        return null;
      }
      Class<?> type = null;
      if (matcher.group(2) != null) {
        var definition = FHIR.getElementDefinition(matcher.group(2));
        if (definition == null) {
          return null;
        }
        type = definition.getImplementingClass();
      }
      String[] names = path.split("\\.");
      int[] hashes = new int[names.length];
      for (int i = 0; i < names.length; i++) {
        hashes[i] = names[i].hashCode();
      }
      return new Walk(names, hashes, type);
    }

    void collect(Base element, int step, List<Base> values) {
      if (step == names.length) {
        if (type == null || type.isInstance(element)) {
          values.add(element);
        }
        return;
      }
      Base[] children = element.getProperty(hashes[step], names[step], false);
      if (children == null) {
        return;
      }
      for (Base child : children) {
        if (child != null && !child.isEmpty()) {
          collect(child, step + 1, values);
        }
      }
    }
  }

  /** The walks of every branch of {@code expression}, or null when one is not a simple path. */
  private static List<Walk> walks(String expression) {
    List<Walk> walks = new ArrayList<>();
    for (String branch : expression.split(" \\| ")) {
      Walk walk = Walk.of(branch);
      if (walk == null) {
        return null;
      }
      walks.add(walk);
    }
    return List.copyOf(walks);
  }

  /** Lower case with accents (combining marks after canonical decomposition) removed. */
  public static String normalise(String value) {
    String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
    return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
  }

  public IndexEntries extract(IBaseResource resource) {
    return extract(resource, false);
  }

  /** {@link #extract} with the FHIRPath engine for every expression: what the walks must equal. */
  IndexEntries extractByFhirPath(IBaseResource resource) {
    return extract(resource, true);
  }

  private IndexEntries extract(IBaseResource resource, boolean fhirPathOnly) {
    Sink sink = new Sink(resource.fhirType());
    if (!(resource instanceof Resource base)) {
      return sink.entries();
    }
    for (Compiled compiled : COMPILED.getOrDefault(resource.fhirType(), List.of())) {
      List<Base> values;
      try {
        values = compiled.evaluate(base, fhirPathOnly);
      } catch (RuntimeException e) {
        continue; // an expression the engine cannot evaluate on this resource: not indexed
      }
      SearchParameters.Definition definition = compiled.definition();
      for (Base value : values) {
        if (definition.type() == Type.COMPOSITE) {
          composite(compiled, base, value, sink);
        } else {
          value(definition, definition.name(), value, sink);
        }
      }
    }
    return sink.entries();
  }

  /** The number of parameters indexed for {@code resourceType}. */
  static int indexedParameters(String resourceType) {
    return COMPILED.getOrDefault(resourceType, List.of()).size();
  }

  private static void value(
      SearchParameters.Definition definition, String param, Base value, Sink sink) {
    switch (definition.type()) {
      case STRING -> string(param, value, sink);
      case TOKEN -> token(param, value, sink);
      case REFERENCE -> reference(definition, param, value, sink);
      case DATE -> date(param, value, sink);
      case NUMBER -> number(param, value, sink);
      case QUANTITY -> quantity(param, value, sink);
      case URI -> uri(param, value, sink);
      case COMPOSITE -> {}
    }
  }

  private static void string(String param, Base value, Sink sink) {
    if (value instanceof HumanName name) {
      if (name.hasFamilyElement()) {
        sink.string(param, name.getFamilyElement());
      }
      name.getGiven().forEach(given -> sink.string(param, given));
      name.getPrefix().forEach(prefix -> sink.string(param, prefix));
      name.getSuffix().forEach(suffix -> sink.string(param, suffix));
      if (name.hasTextElement()) {
        sink.string(param, name.getTextElement());
      }
    } else if (value instanceof Address address) {
      address.getLine().forEach(line -> sink.string(param, line));
      for (StringType part :
          new StringType[] {
            address.getCityElement(),
            address.getDistrictElement(),
            address.getStateElement(),
            address.getPostalCodeElement(),
            address.getCountryElement(),
            address.getTextElement()
          }) {
        sink.string(param, part);
      }
    } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      sink.string(param, primitive.getValueAsString());
    }
  }

  private static void token(String param, Base value, Sink sink) {
    if (value instanceof CodeableConcept concept) {
      concept.getCoding().forEach(coding -> coding(param, coding, sink));
      if (concept.hasText()) {
        sink.text(param, concept.getText());
      }
    } else if (value instanceof Coding coding) {
      coding(param, coding, sink);
    } else if (value instanceof Identifier identifier) {
      if (identifier.hasValue()) {
        sink.token(
            param, identifier.hasSystem() ? identifier.getSystem() : null, identifier.getValue());
      }
      if (identifier.hasType() && identifier.getType().hasText()) {
        sink.text(param, identifier.getType().getText());
      }
      if (identifier.hasValue()) {
        // :of-type=system|code|value: the type coding in the system column, the value as the code
        for (Coding type : identifier.getType().getCoding()) {
          if (type.hasCode()) {
            sink.token(
                param + ":of-type",
                (type.hasSystem() ? type.getSystem() : "") + "|" + type.getCode(),
                identifier.getValue());
          }
        }
      }
    } else if (value instanceof ContactPoint contact) {
      if (contact.hasValue()) {
        sink.token(
            param, contact.hasSystem() ? contact.getSystem().toCode() : null, contact.getValue());
      }
    } else if (value instanceof Enumeration<?> code) {
      if (code.hasValue()) {
        sink.token(param, code.hasSystem() ? code.getSystem() : null, code.getCode());
      }
    } else if (value instanceof BooleanType bool) {
      if (bool.hasValue()) {
        sink.token(param, null, bool.getValueAsString());
      }
    } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      sink.token(param, null, primitive.getValueAsString());
    }
  }

  private static void coding(String param, Coding coding, Sink sink) {
    if (coding.hasCode()) {
      sink.token(param, coding.hasSystem() ? coding.getSystem() : null, coding.getCode());
    }
    if (coding.hasDisplay()) {
      sink.text(param, coding.getDisplay());
    }
  }

  private static void reference(
      SearchParameters.Definition definition, String param, Base value, Sink sink) {
    String literal = null;
    if (value instanceof Reference reference) {
      if (reference.hasIdentifier() && reference.getIdentifier().hasValue()) {
        Identifier identifier = reference.getIdentifier();
        sink.token(
            param + ":identifier",
            identifier.hasSystem() ? identifier.getSystem() : null,
            identifier.getValue());
      }
      literal = reference.hasReference() ? reference.getReference() : null;
    } else if (value instanceof UriType uri && uri.hasValue()) {
      literal = uri.getValue();
      if (isAbsoluteUrl(literal)) {
        // a canonical URL (relatedArtifact.resource, instantiatesCanonical, ...) is found by the
        // URL itself, with or without its |version, whether or not it ends in Type/id
        sink.uri(param, literal);
      }
      int version = literal.indexOf('|');
      if (version >= 0) {
        literal = literal.substring(0, version); // url|version: its Type/id is the url's
      }
    } else if (value instanceof Resource resource && resource.hasIdElement()) {
      literal = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
    if (literal == null) {
      return;
    }
    String[] target = parseReference(literal, definition.singleTarget());
    if (target != null) {
      sink.reference(param, target[0], target[1]);
    }
  }

  private static void date(String param, Base value, Sink sink) {
    try {
      if (value instanceof BaseDateTimeType dateTime) {
        if (dateTime.hasValue()) {
          FhirDates.Range range = FhirDates.parse(dateTime.getValueAsString());
          sink.date(param, range.low(), range.high());
        }
      } else if (value instanceof Period period) {
        period(param, period, sink);
      } else if (value instanceof Timing timing) {
        for (var event : timing.getEvent()) {
          date(param, event, sink);
        }
        if (timing.hasRepeat() && timing.getRepeat().hasBoundsPeriod()) {
          period(param, timing.getRepeat().getBoundsPeriod(), sink);
        }
      } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
        FhirDates.Range range = FhirDates.parse(primitive.getValueAsString());
        sink.date(param, range.low(), range.high());
      }
    } catch (IllegalArgumentException e) {
      // unindexable date: skipped
    }
  }

  private static void period(String param, Period period, Sink sink) {
    FhirDates.Range start =
        period.hasStartElement() && period.getStartElement().hasValue()
            ? FhirDates.parse(period.getStartElement().getValueAsString())
            : null;
    FhirDates.Range end =
        period.hasEndElement() && period.getEndElement().hasValue()
            ? FhirDates.parse(period.getEndElement().getValueAsString())
            : null;
    if (start == null && end == null) {
      return;
    }
    Instant low = start == null ? FhirDates.MIN : start.low();
    Instant high = end == null ? FhirDates.MAX : end.high();
    if (!high.isBefore(low)) {
      sink.date(param, low, high);
    }
  }

  private static void number(String param, Base value, Sink sink) {
    if (value instanceof DecimalType decimal && decimal.hasValue()) {
      sink.number(param, decimal.getValue());
    } else if (value instanceof IntegerType integer && integer.hasValue()) {
      sink.number(param, BigDecimal.valueOf(integer.getValue()));
    } else if (value instanceof Range range) {
      if (range.hasLow() && range.getLow().hasValue()) {
        sink.number(param, range.getLow().getValue());
      }
      if (range.hasHigh() && range.getHigh().hasValue()) {
        sink.number(param, range.getHigh().getValue());
      }
    } else if (value instanceof Quantity quantity && quantity.hasValue()) {
      sink.number(param, quantity.getValue());
    }
  }

  private static void quantity(String param, Base value, Sink sink) {
    if (value instanceof Quantity quantity) {
      if (quantity.hasValue()) {
        sink.quantity(
            param,
            quantity.getValue(),
            quantity.hasSystem() ? quantity.getSystem() : null,
            quantity.hasCode()
                ? quantity.getCode()
                : quantity.hasUnit() ? quantity.getUnit() : null);
      }
    } else if (value instanceof Money money) {
      if (money.hasValue()) {
        sink.quantity(
            param,
            money.getValue(),
            "urn:iso:std:iso:4217",
            money.hasCurrency() ? money.getCurrency() : null);
      }
    } else if (value instanceof Range range) {
      quantity(param, range.getLow(), sink);
      quantity(param, range.getHigh(), sink);
    } else if (value instanceof DecimalType decimal && decimal.hasValue()) {
      sink.quantity(param, decimal.getValue(), null, null);
    }
  }

  private static void uri(String param, Base value, Sink sink) {
    if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      sink.uri(param, primitive.getValueAsString());
    }
  }

  /**
   * A composite: the first component's tokens (or references, as {@code Type/id}) paired with each
   * value of the second component, both evaluated on the same element (so {@code
   * component-code-value-quantity} pairs the code and value of one component).
   */
  private static void composite(Compiled compiled, Resource resource, Base element, Sink sink) {
    SearchParameters.Definition definition = compiled.definition();
    String resourceType = resource.fhirType();
    SearchParameters.Definition first =
        SearchParameters.find(resourceType, definition.components().get(0).parameter());
    SearchParameters.Definition second =
        SearchParameters.find(resourceType, definition.components().get(1).parameter());
    if (first == null
        || second == null
        || first.type() != Type.TOKEN && first.type() != Type.REFERENCE) {
      return;
    }
    Sink firsts = new Sink(resourceType);
    Sink seconds = new Sink(resourceType);
    try {
      for (Base value : compiled.part(0, resource, element)) {
        value(first, "1", value, firsts);
      }
      for (Base value : compiled.part(1, resource, element)) {
        value(second, "2", value, seconds);
      }
    } catch (RuntimeException e) {
      return;
    }
    // a reference as the first component (DocumentReference's relationship) is the token
    // Type/id without a system
    List<Token> firstTokens = new ArrayList<>(firsts.tokens);
    for (IndexEntries.Reference reference : firsts.references) {
      firstTokens.add(
          new Token(reference.param(), null, reference.targetType() + "/" + reference.targetId()));
    }
    for (Token token : firstTokens) {
      for (Token other : seconds.tokens) {
        sink.composite(definition.name(), token, other.system(), other.code(), null, null, null);
      }
      for (Text text : seconds.strings) {
        if (!text.param().endsWith(":text")) {
          sink.composite(definition.name(), token, null, text.value(), null, null, null);
        }
      }
      for (IndexEntries.Quantity quantity : seconds.quantities) {
        sink.composite(
            definition.name(),
            token,
            quantity.system(),
            quantity.code(),
            quantity.value(),
            null,
            null);
      }
      for (IndexEntries.Number number : seconds.numbers) {
        sink.composite(definition.name(), token, null, null, number.value(), null, null);
      }
      for (DateRange date : seconds.dates) {
        sink.composite(definition.name(), token, null, null, null, date.low(), date.high());
      }
    }
  }

  /** Whether {@code value} is a FHIR logical id. */
  static boolean isId(String value) {
    return RESOURCE_ID.matcher(value).matches();
  }

  /**
   * {@code Type/id}, {@code id} (with {@code defaultType}), a URL ending in {@code Type/id}
   * (optionally followed by {@code /_history/n}) as {@code [type, id]}; null for anything else:
   * contained ({@code #x}), conditional ({@code Type?...}), {@code urn:} references.
   */
  /** An absolute URL or URN: {@code scheme:...}, as canonical references are. */
  static boolean isAbsoluteUrl(String value) {
    return ABSOLUTE_URL.matcher(value).lookingAt();
  }

  static String[] parseReference(String value, String defaultType) {
    if (value == null
        || value.isEmpty()
        || value.startsWith("#")
        || value.startsWith("urn:")
        || value.indexOf('?') >= 0) {
      return null;
    }
    String[] parts = value.split("/", -1);
    int end = parts.length;
    if (end >= 4 && "_history".equals(parts[end - 2])) {
      end -= 2;
    }
    String id = parts[end - 1];
    if (!RESOURCE_ID.matcher(id).matches()) {
      return null;
    }
    if (end == 1) {
      return defaultType == null ? null : new String[] {defaultType, id};
    }
    String type = parts[end - 2];
    return RESOURCE_TYPE.matcher(type).matches() ? new String[] {type, id} : null;
  }

  private static FHIRPathEngine engine() {
    FHIRPathEngine engine =
        new FHIRPathEngine(new HapiWorkerContext(FHIR, FHIR.getValidationSupport()));
    engine.setHostServices(new Resolver());
    return engine;
  }

  private static Map<String, List<Compiled>> compile() {
    Map<String, List<Compiled>> all = new HashMap<>();
    for (String type : SearchParameters.resourceTypes()) {
      List<Compiled> compiled = new ArrayList<>();
      for (SearchParameters.Definition definition : SearchParameters.of(type)) {
        try {
          List<ExpressionNode> parts = new ArrayList<>();
          List<List<Walk>> partWalks = new ArrayList<>();
          for (SearchParameters.Component component : definition.components()) {
            parts.add(ENGINE.parse(component.expression()));
            partWalks.add(walks(component.expression()));
          }
          compiled.add(
              new Compiled(
                  definition,
                  ENGINE.parse(definition.expression()),
                  List.copyOf(parts),
                  walks(definition.expression()),
                  java.util.Collections.unmodifiableList(partWalks)));
        } catch (RuntimeException e) {
          // an expression the R4 engine cannot parse: the parameter is not indexed
        }
      }
      all.put(type, List.copyOf(compiled));
    }
    return Map.copyOf(all);
  }

  /**
   * Host services of the engine: {@code resolve()} of a literal reference {@code Type/id} yields an
   * empty resource of that type (enough for {@code is}/{@code as} checks); nothing else is
   * provided.
   */
  private static final class Resolver implements IHostApplicationServices {

    @Override
    public List<Base> resolveConstant(
        FHIRPathEngine engine,
        Object appContext,
        String name,
        FHIRPathConstantEvaluationMode mode) {
      return List.of();
    }

    @Override
    public TypeDetails resolveConstantType(
        FHIRPathEngine engine,
        Object appContext,
        String name,
        FHIRPathConstantEvaluationMode mode) {
      return null;
    }

    @Override
    public boolean log(String argument, List<Base> focus) {
      return false;
    }

    @Override
    public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
      return null;
    }

    @Override
    public TypeDetails checkFunction(
        FHIRPathEngine engine,
        Object appContext,
        String functionName,
        TypeDetails focus,
        List<TypeDetails> parameters) {
      return null;
    }

    @Override
    public List<Base> executeFunction(
        FHIRPathEngine engine,
        Object appContext,
        List<Base> focus,
        String functionName,
        List<List<Base>> parameters) {
      return List.of();
    }

    @Override
    public Base resolveReference(
        FHIRPathEngine engine, Object appContext, String url, Base refContext) {
      String[] target = parseReference(url, null);
      if (target == null || !FHIR.getResourceTypes().contains(target[0])) {
        return null;
      }
      IBaseResource stub = FHIR.getResourceDefinition(target[0]).newInstance();
      stub.setId(target[0] + "/" + target[1]);
      return (Base) stub;
    }

    @Override
    public boolean conformsToProfile(
        FHIRPathEngine engine, Object appContext, Base item, String url) {
      return false;
    }

    @Override
    public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
      return null;
    }

    @Override
    public boolean paramIsType(String name, int index) {
      return false;
    }
  }

  /** Collects distinct entries in order. */
  private static final class Sink {
    final String resourceType;
    private final Set<Token> tokens = new LinkedHashSet<>();
    private final Set<Text> strings = new LinkedHashSet<>();
    private final Set<DateRange> dates = new LinkedHashSet<>();
    private final Set<IndexEntries.Reference> references = new LinkedHashSet<>();
    private final Set<IndexEntries.Number> numbers = new LinkedHashSet<>();
    private final Set<IndexEntries.Quantity> quantities = new LinkedHashSet<>();
    private final Set<IndexEntries.Uri> uris = new LinkedHashSet<>();
    private final Set<IndexEntries.Composite> composites = new LinkedHashSet<>();

    Sink(String resourceType) {
      this.resourceType = resourceType;
    }

    void token(String param, String system, String code) {
      if (code != null && !code.isEmpty()) {
        tokens.add(new Token(param, system == null || system.isEmpty() ? null : system, code));
      }
    }

    /** The text of a coded value, for {@code :text}: a string row of {@code param:text}. */
    void text(String param, String value) {
      if (value != null && !value.isBlank()) {
        strings.add(new Text(param + ":text", normalise(value), value));
      }
    }

    void string(String param, PrimitiveType<?> value) {
      if (value != null && value.hasValue()) {
        string(param, value.getValueAsString());
      }
    }

    void string(String param, String value) {
      if (value != null && !value.isBlank()) {
        strings.add(new Text(param, normalise(value), value));
      }
    }

    void date(String param, Instant low, Instant high) {
      dates.add(new DateRange(param, low, high));
    }

    void reference(String param, String type, String id) {
      references.add(new IndexEntries.Reference(param, type, id));
    }

    void number(String param, BigDecimal value) {
      numbers.add(new IndexEntries.Number(param, value));
    }

    void quantity(String param, BigDecimal value, String system, String code) {
      Ucum.Canonical canonical = Ucum.canonical(system, code, value);
      quantities.add(
          new IndexEntries.Quantity(
              param,
              value,
              system,
              code,
              canonical == null ? null : canonical.code(),
              canonical == null ? null : canonical.value()));
    }

    void uri(String param, String value) {
      if (!value.isEmpty()) {
        uris.add(new IndexEntries.Uri(param, value));
      }
    }

    void composite(
        String param,
        Token first,
        String system2,
        String code2,
        BigDecimal value2,
        Instant low2,
        Instant high2) {
      composites.add(
          new IndexEntries.Composite(
              param, first.system(), first.code(), system2, code2, value2, low2, high2));
    }

    IndexEntries entries() {
      return new IndexEntries(
          new ArrayList<>(tokens),
          new ArrayList<>(strings),
          new ArrayList<>(dates),
          new ArrayList<>(references),
          new ArrayList<>(numbers),
          new ArrayList<>(quantities),
          new ArrayList<>(uris),
          new ArrayList<>(composites));
    }
  }
}
