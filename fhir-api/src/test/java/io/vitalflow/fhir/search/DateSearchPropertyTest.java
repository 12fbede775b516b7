package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.Unsecured;
import io.vitalflow.schemas.FhirDates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Date search in SQL agrees with a brute-force reading of the R4 prefix definitions over a corpus
 * of observations with dates of every precision, time zones and open and closed periods.
 */
class DateSearchPropertyTest {

  private static final Instant NOW = Instant.parse("2021-06-01T00:00:00Z");
  private static final String[] OFFSETS = {"Z", "+02:00", "-05:30", "+14:00"};
  private static SearchDatabase database;
  private static ResourceSearch search;
  private static final Map<String, IndexEntries.DateRange> corpus = new LinkedHashMap<>();

  @BeforeContainer
  static void load() {
    database = new SearchDatabase("date-property");
    search = new ResourceSearch(database.client(), Clock.fixed(NOW, ZoneOffset.UTC));
    Random random = new Random(7);
    SearchIndexer indexer = new SearchIndexer();
    List<Observation> observations = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Observation observation = new Observation().setSubject(new Reference("Patient/p" + (i % 5)));
      observation.setId("o" + i);
      if (random.nextInt(4) == 0) {
        Period period = new Period();
        if (random.nextInt(4) != 0) {
          period.setStartElement(new DateTimeType(randomDate(random)));
        }
        if (random.nextInt(4) != 0 || !period.hasStart()) {
          period.setEndElement(new DateTimeType(randomDate(random)));
        }
        observation.setEffective(period);
      } else {
        observation.setEffective(new DateTimeType(randomDate(random)));
      }
      List<IndexEntries.DateRange> dates = indexer.extract(observation).dates();
      if (dates.isEmpty()) {
        continue; // a period ending before it starts is not indexed
      }
      corpus.put("o" + i, dates.get(0));
      observations.add(observation);
    }
    database.store(NOW, observations.toArray(Observation[]::new));
  }

  @AfterContainer
  static void close() {
    database.close();
  }

  @Property(tries = 300)
  void sqlMatchesTheReference(@ForAll("prefixes") String prefix, @ForAll("dates") String date) {
    SearchResult result =
        search
            .search(
                new SearchRequest(
                    "Observation", Map.of("date", List.of(prefix + date)), 1000, 0, true))
            .contextWrite(Unsecured.context())
            .block();
    Set<String> actual = new TreeSet<>(ResourceSearchTest.idsOf(result.matches()));
    FhirDates.Range query = FhirDates.parse(date);
    Set<String> expected = new TreeSet<>();
    corpus.forEach(
        (id, range) -> {
          if (matches(
              prefix.isEmpty() ? "eq" : prefix,
              range.low(),
              range.high(),
              query.low(),
              query.high())) {
            expected.add(id);
          }
        });
    assertThat(actual).as("date=" + prefix + date).isEqualTo(expected);
  }

  /** The R4 definitions, read literally over closed intervals. */
  static boolean matches(
      String prefix, Instant low, Instant high, Instant searchLow, Instant searchHigh) {
    boolean contained = !low.isBefore(searchLow) && !high.isAfter(searchHigh);
    boolean reachesAbove = high.isAfter(searchHigh); // intersects (searchHigh, +inf)
    boolean reachesBelow = low.isBefore(searchLow); // intersects (-inf, searchLow)
    return switch (prefix) {
      case "eq" -> contained;
      case "ne" -> !contained;
      case "gt" -> reachesAbove;
      case "lt" -> reachesBelow;
      case "ge" -> reachesAbove || contained;
      case "le" -> reachesBelow || contained;
      case "sa" -> low.isAfter(searchHigh);
      case "eb" -> high.isBefore(searchLow);
      case "ap" -> {
        Duration margin = Duration.between(searchLow, NOW).abs().dividedBy(10);
        yield !low.isAfter(searchHigh.plus(margin)) && !high.isBefore(searchLow.minus(margin));
      }
      default -> throw new IllegalArgumentException(prefix);
    };
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");
  }

  @Provide
  Arbitrary<String> dates() {
    Arbitrary<Integer> year = Arbitraries.integers().between(2019, 2022);
    Arbitrary<Integer> month = Arbitraries.integers().between(1, 12);
    Arbitrary<Integer> day = Arbitraries.integers().between(1, 28);
    Arbitrary<Integer> hour = Arbitraries.integers().between(0, 23);
    Arbitrary<Integer> precision = Arbitraries.integers().between(0, 4);
    Arbitrary<String> offset = Arbitraries.of(OFFSETS);
    return Combinators.combine(year, month, day, hour, precision, offset)
        .as((y, m, d, h, p, o) -> format(y, m, d, h, p, o));
  }

  private static String randomDate(Random random) {
    return format(
        2020 + random.nextInt(2),
        1 + random.nextInt(12),
        1 + random.nextInt(28),
        random.nextInt(24),
        random.nextInt(5),
        OFFSETS[random.nextInt(OFFSETS.length)]);
  }

  /** precision 0 year, 1 month, 2 day, 3 second, 4 milliseconds. */
  private static String format(
      int year, int month, int day, int hour, int precision, String offset) {
    return switch (precision) {
      case 0 -> String.format("%04d", year);
      case 1 -> String.format("%04d-%02d", year, month);
      case 2 -> String.format("%04d-%02d-%02d", year, month, day);
      case 3 -> String.format("%04d-%02d-%02dT%02d:00:00%s", year, month, day, hour, offset);
      default -> String.format("%04d-%02d-%02dT%02d:30:15.250%s", year, month, day, hour, offset);
    };
  }
}
