/**
 * From raw readings to {@code VitalSign}s: codes, identifiers, UCUM units and conversion, plausible
 * ranges, clock skew and age ({@link io.vitalflow.ingest.vitals.validate.ReadingValidator}).
 */
package io.vitalflow.ingest.vitals.validate;
