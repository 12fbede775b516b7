package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build-time snapshot of the shipped knowledge ({@link KnowledgeSnapshot}) is what a cold start
 * loads instead of the TSV files: these tests fail when the packaged snapshot was not built from
 * the packaged TSV files (an edit without a rebuild), when its version or image hash is not the one
 * of the data, or when anything the checker reads from it differs from the compiled TSV files.
 */
class KnowledgeSnapshotTest {

  private static final Knowledge FROM_TSV = Knowledge.compile(KnowledgeBase.load());

  private static byte[] packagedSnapshot() throws IOException {
    try (InputStream in = Knowledge.class.getResourceAsStream(KnowledgeSnapshot.RESOURCE)) {
      assertThat(in)
          .as("the build writes " + KnowledgeSnapshot.RESOURCE + " (process-classes)")
          .isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void thePackagedSnapshotIsExactlyTheSnapshotOfThePackagedTsvFiles() throws IOException {
    assertThat(packagedSnapshot()).isEqualTo(KnowledgeSnapshot.write(FROM_TSV));
  }

  @Test
  void theShippedKnowledgeComesFromTheSnapshotAndCarriesTheHashesOfTheData() {
    Knowledge shipped = Knowledge.shipped();
    assertThat(shipped.imageSha256())
        .as("loaded from the snapshot, not compiled from TSV")
        .isNotNull();
    // the content hash computed at build time is the one of the files on the classpath now
    assertThat(shipped.version()).isEqualTo(KnowledgeBase.version(KnowledgeBase.packagedFiles()));
    assertThat(shipped.imageSha256()).isEqualTo(KnowledgeSnapshot.sha256(shipped.imageShared()));
    assertThat(shipped.data().version()).isEqualTo(shipped.version());
  }

  @Test
  void everyPartReadFromTheSnapshotEqualsTheCompiledData() throws IOException {
    Knowledge snap = KnowledgeSnapshot.read(packagedSnapshot());
    assertThat(snap.version()).isEqualTo(FROM_TSV.version());
    assertThat(snap.token()).isEqualTo(FROM_TSV.token());
    assertThat(snap.image()).isEqualTo(FROM_TSV.image());
    assertThat(snap.rules()).containsExactlyElementsOf(FROM_TSV.rules());
    assertThat(snap.codeCount()).isEqualTo(FROM_TSV.codeCount());
    assertThat(snap.ingredientCodesShared()).isEqualTo(FROM_TSV.ingredientCodesShared());
    assertThat(snap.positionOfShared()).isEqualTo(FROM_TSV.positionOfShared());
    assertThat(snap.termTextsShared()).isEqualTo(FROM_TSV.termTextsShared());
    assertThat(snap.termOrdinalsShared()).isDeepEqualTo(FROM_TSV.termOrdinalsShared());
    // every code of the data, and every name, resolves to the same ingredients and plugin positions
    KnowledgeBase data = FROM_TSV.data();
    List<Medication> meds = new ArrayList<>();
    for (long code : data.ingredients().keySet()) {
      meds.add(Medication.rxcui(Long.toString(code)));
    }
    for (long code : data.drugCodes().keySet()) {
      meds.add(Medication.rxcui(Long.toString(code)));
    }
    for (String term : FROM_TSV.termTextsShared()) {
      meds.add(Medication.named(term + " 10 mg"));
    }
    meds.add(Medication.rxcui("999999999"));
    meds.add(Medication.named("aspirin free"));
    for (Medication m : meds) {
      Knowledge.Resolved a = snap.resolve(m);
      Knowledge.Resolved b = FROM_TSV.resolve(m);
      assertThat(a == null).as(m.toString()).isEqualTo(b == null);
      if (a != null) {
        assertThat(a.ingredients).as(m.toString()).isEqualTo(b.ingredients);
        assertThat(a.positions).as(m.toString()).isEqualTo(b.positions);
      }
    }
  }

  @Test
  void aCorruptSnapshotIsRefused() throws IOException {
    byte[] snapshot = packagedSnapshot();
    assertThatThrownBy(() -> KnowledgeSnapshot.read(Arrays.copyOf(snapshot, snapshot.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
    byte[] wrongMagic = snapshot.clone();
    wrongMagic[0] ^= 1;
    assertThatThrownBy(() -> KnowledgeSnapshot.read(wrongMagic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a knowledge snapshot");
  }
}
