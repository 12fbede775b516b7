package io.vitalflow.fhir.patch;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.FhirPathExecutionException;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * FHIR R4 FHIRPath Patch (a {@code Parameters} resource of {@code operation} parameters, see
 * https://hl7.org/fhir/R4/fhirpatch.html) on HAPI's model of a resource: {@code add}, {@code
 * insert}, {@code delete}, {@code replace}, {@code move}. Paths are evaluated with HAPI's FHIRPath
 * engine ({@link FhirContext#newFhirPath()}); the element a path ends in is changed through HAPI's
 * element definitions, found by stripping the path's last filter or index ({@code
 * Patient.identifier.where(system='x')} is an element of {@code identifier} of {@code Patient}).
 * Values are {@code value[x]} or, for a complex type, nested parts named after its elements (one
 * level of parts per level of the type). All or nothing: the operations apply to the caller's copy
 * in order and the first that fails rejects the patch.
 */
public final class FhirPathPatch {

  private final FhirContext fhir;

  /** One engine per thread: HAPI does not promise that its FHIRPath engine is thread-safe. */
  private final ThreadLocal<IFhirPath> path;

  public FhirPathPatch(FhirContext fhir) {
    this.fhir = fhir;
    this.path = ThreadLocal.withInitial(fhir::newFhirPath);
  }

  /** Applies {@code patch} to {@code resource} in place. */
  public void apply(IBaseResource resource, Parameters patch) {
    int index = 0;
    if (patch.getParameter().size() > JsonPatch.MAX_OPERATIONS) {
      throw PatchRejected.malformed(
          "A FHIRPath Patch may have at most " + JsonPatch.MAX_OPERATIONS + " operations");
    }
    for (ParametersParameterComponent operation : patch.getParameter()) {
      if (!"operation".equals(operation.getName())) {
        throw PatchRejected.malformed(
            "Parameter " + index + " of a FHIRPath Patch must be named 'operation'");
      }
      applyOne(resource, operation, index++);
    }
  }

  private void applyOne(IBaseResource resource, ParametersParameterComponent operation, int i) {
    try {
      applyChecked(resource, operation, i);
    } catch (IllegalArgumentException | ClassCastException e) {
      // HAPI's mutators refuse a value of the wrong type by reflection
      throw PatchRejected.notApplicable(
          "operation " + i + ": the value does not fit the element's type");
    }
  }

  private void applyChecked(IBaseResource resource, ParametersParameterComponent operation, int i) {
    String type = text(operation, "type", i);
    String where = "operation " + i + " (" + type + ")";
    String target = text(operation, "path", i);
    switch (type) {
      case "add" -> {
        IBase container = single(resource, target, where);
        String name = text(operation, "name", i);
        BaseRuntimeChildDefinition child = child(container, name, where);
        child.getMutator().addValue(container, value(operation, child, name, where));
      }
      case "insert" -> {
        Located located = locate(resource, target, where);
        List<IBase> values = new ArrayList<>(located.values());
        int at = index(operation, "index", values.size(), where);
        values.add(at, value(operation, located.child(), located.name(), where));
        located.set(values);
      }
      case "delete" -> {
        List<IBase> found = evaluate(resource, target, where);
        if (found.isEmpty()) {
          return; // deleting what is not there is not an error (FHIRPath Patch)
        }
        if (found.size() > 1) {
          throw PatchRejected.notApplicable(where + ": the path matches more than one element");
        }
        Located located = locate(resource, target, where);
        List<IBase> values = new ArrayList<>(located.values());
        values.removeIf(value -> value == found.get(0));
        located.set(values);
      }
      case "replace" -> {
        IBase old = single(resource, target, where);
        Located located = locate(resource, target, where);
        List<IBase> values = new ArrayList<>(located.values());
        IBase replacement = value(operation, located.child(), located.name(), where);
        for (int k = 0; k < values.size(); k++) {
          if (values.get(k) == old) {
            values.set(k, replacement);
          }
        }
        located.set(values);
      }
      case "move" -> {
        Located located = locate(resource, target, where);
        List<IBase> values = new ArrayList<>(located.values());
        int source = index(operation, "source", values.size() - 1, where);
        int destination = index(operation, "destination", values.size() - 1, where);
        values.add(destination, values.remove(source));
        located.set(values);
      }
      default ->
          throw PatchRejected.malformed(
              "Operation "
                  + i
                  + " has an unknown type: add, insert, delete, replace and move are defined");
    }
  }

  /** The element list a path's result lives in: its container, the child and its name. */
  private record Located(IBase container, BaseRuntimeChildDefinition child, String name) {

    List<IBase> values() {
      return child.getAccessor().getValues(container);
    }

    void set(List<IBase> values) {
      if (values.size() > 1 && child.getMax() == 1) {
        throw PatchRejected.notApplicable("'" + name + "' does not repeat");
      }
      child.getMutator().setValue(container, null);
      for (IBase value : values) {
        child.getMutator().addValue(container, value);
      }
    }
  }

  private Located locate(IBaseResource resource, String target, String where) {
    String element = stripFilters(target.trim());
    int dot = lastDot(element);
    if (dot < 0) {
      throw PatchRejected.notApplicable(where + ": the path must name an element of the resource");
    }
    String name = element.substring(dot + 1);
    IBase container = single(resource, element.substring(0, dot), where);
    return new Located(container, child(container, name, where), name);
  }

  /** {@code a.b[0]}, {@code a.b.where(x)}, {@code a.b.first()} to {@code a.b}. */
  static String stripFilters(String path) {
    String p = path;
    while (p.endsWith("]") || p.endsWith(")")) {
      char close = p.charAt(p.length() - 1);
      char open = close == ']' ? '[' : '(';
      int depth = 0;
      int k = p.length() - 1;
      for (; k >= 0; k--) {
        char c = p.charAt(k);
        if (c == close) {
          depth++;
        } else if (c == open && --depth == 0) {
          break;
        }
      }
      if (k <= 0) {
        return p;
      }
      p = p.substring(0, k);
      if (close == ')') {
        int dot = lastDot(p);
        if (dot < 0) {
          return p;
        }
        p = p.substring(0, dot); // the function's name
      }
    }
    return p;
  }

  /** The last {@code .} outside parentheses, brackets and quotes; -1 when none. */
  private static int lastDot(String p) {
    int depth = 0;
    boolean quoted = false;
    for (int k = p.length() - 1; k >= 0; k--) {
      char c = p.charAt(k);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && (c == ')' || c == ']')) {
        depth++;
      } else if (!quoted && (c == '(' || c == '[')) {
        depth--;
      } else if (!quoted && depth == 0 && c == '.') {
        return k;
      }
    }
    return -1;
  }

  private IBase single(IBaseResource resource, String target, String where) {
    List<IBase> found = evaluate(resource, target, where);
    if (found.size() != 1) {
      throw PatchRejected.notApplicable(
          where + ": the path must match exactly one element, it matches " + found.size());
    }
    return found.get(0);
  }

  private List<IBase> evaluate(IBaseResource resource, String target, String where) {
    try {
      return path.get().evaluate(resource, target, IBase.class);
    } catch (FhirPathExecutionException | IllegalArgumentException e) {
      throw PatchRejected.malformed(where + ": the path is not valid FHIRPath");
    }
  }

  private BaseRuntimeChildDefinition child(IBase container, String name, String where) {
    BaseRuntimeElementDefinition<?> definition = fhir.getElementDefinition(container.getClass());
    BaseRuntimeChildDefinition child = null;
    if (definition instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
      child = composite.getChildByName(name);
      if (child == null) {
        child = composite.getChildByName(name + "[x]");
      }
    }
    if (child == null) {
      throw PatchRejected.notApplicable(
          where + ": '" + name + "' is not an element of " + definition.getName());
    }
    return child;
  }

  /** The operation's {@code value}: a {@code value[x]}, a resource, or parts of a complex type. */
  private IBase value(
      ParametersParameterComponent operation,
      BaseRuntimeChildDefinition child,
      String name,
      String where) {
    for (ParametersParameterComponent part : operation.getPart()) {
      if (part.getName().equals("value")) {
        return valueOf(part, child, name, where);
      }
    }
    throw PatchRejected.malformed(where + ": a 'value' part is required");
  }

  private IBase valueOf(
      ParametersParameterComponent part,
      BaseRuntimeChildDefinition child,
      String name,
      String where) {
    if (part.getValue() != null) {
      return coerced(part.getValue(), child, name, where);
    }
    if (part.getResource() != null) {
      return part.getResource();
    }
    BaseRuntimeElementDefinition<?> type = child.getChildByName(name);
    if (!(type instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      throw PatchRejected.malformed(
          where + ": the value of '" + name + "' needs a value[x] of its type");
    }
    IBase value = composite.newInstance();
    for (ParametersParameterComponent sub : part.getPart()) {
      BaseRuntimeChildDefinition subChild = child(value, sub.getName(), where);
      subChild.getMutator().addValue(value, valueOf(sub, subChild, sub.getName(), where));
    }
    return value;
  }

  /**
   * A primitive value as the element's own type: a patch sends {@code valueCode} for an element
   * that HAPI models as an enumeration, {@code valueString} for a {@code markdown}, and so on.
   */
  private static IBase coerced(
      IBase value, BaseRuntimeChildDefinition child, String name, String where) {
    BaseRuntimeElementDefinition<?> expected = child.getChildByName(name);
    if (expected == null || expected.getImplementingClass().isInstance(value)) {
      return value;
    }
    if (value instanceof IPrimitiveType<?> primitive
        && expected.newInstance(child.getInstanceConstructorArguments())
            instanceof IPrimitiveType<?> target) {
      try {
        target.setValueAsString(primitive.getValueAsString());
      } catch (RuntimeException e) {
        throw PatchRejected.notApplicable(
            where + ": the value is not a valid " + expected.getName() + " for '" + name + "'");
      }
      return target;
    }
    throw PatchRejected.notApplicable(
        where + ": '" + name + "' needs a value of type " + expected.getName());
  }

  private static String text(ParametersParameterComponent operation, String name, int i) {
    for (ParametersParameterComponent part : operation.getPart()) {
      if (part.getName().equals(name) && part.getValue() != null) {
        String value = part.getValue().primitiveValue();
        if (value != null && !value.isBlank()) {
          return value;
        }
      }
    }
    throw PatchRejected.malformed("Operation " + i + " needs a '" + name + "' part");
  }

  private static int index(
      ParametersParameterComponent operation, String name, int max, String where) {
    String value = text(operation, name, 0);
    int index;
    try {
      index = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw PatchRejected.malformed(where + ": '" + name + "' must be an integer");
    }
    if (index < 0 || index > max) {
      throw PatchRejected.notApplicable(where + ": '" + name + "' " + index + " is out of range");
    }
    return index;
  }
}
