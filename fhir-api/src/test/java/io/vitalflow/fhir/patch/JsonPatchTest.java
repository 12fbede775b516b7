package io.vitalflow.fhir.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 6902's own examples (appendix A) and its error cases. */
class JsonPatchTest {

  private static String apply(String patch, String json) {
    return JsonPatch.apply(patch.replace('\'', '"'), json.replace('\'', '"'));
  }

  private static String json(String json) {
    return json.replace('\'', '"');
  }

  @Test
  void addRemoveReplaceMoveCopyTestAsTheRfcShowsThem() {
    assertThat(apply("[{'op':'add','path':'/baz','value':'qux'}]", "{'foo':'bar'}"))
        .isEqualTo(json("{'foo':'bar','baz':'qux'}"));
    assertThat(apply("[{'op':'add','path':'/foo/1','value':'qux'}]", "{'foo':['bar','baz']}"))
        .isEqualTo(json("{'foo':['bar','qux','baz']}"));
    assertThat(apply("[{'op':'remove','path':'/baz'}]", "{'baz':'qux','foo':'bar'}"))
        .isEqualTo(json("{'foo':'bar'}"));
    assertThat(apply("[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','qux','baz']}"))
        .isEqualTo(json("{'foo':['bar','baz']}"));
    assertThat(apply("[{'op':'replace','path':'/baz','value':'boo'}]", "{'baz':'qux','foo':'bar'}"))
        .isEqualTo(json("{'baz':'boo','foo':'bar'}"));
    assertThat(
            apply(
                "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
                "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}"))
        .isEqualTo(json("{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"));
    assertThat(
            apply(
                "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
                "{'foo':['all','grass','cows','eat']}"))
        .isEqualTo(json("{'foo':['all','cows','eat','grass']}"));
    assertThat(apply("[{'op':'copy','from':'/a','path':'/b'}]", "{'a':{'x':1}}"))
        .isEqualTo(json("{'a':{'x':1},'b':{'x':1}}"));
    assertThat(
            apply(
                "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
                "{'baz':'qux','foo':['a',2,'c']}"))
        .isEqualTo(json("{'baz':'qux','foo':['a',2,'c']}"));
    assertThat(apply("[{'op':'add','path':'/foo/-','value':['abc','def']}]", "{'foo':['bar']}"))
        .isEqualTo(json("{'foo':['bar',['abc','def']]}"));
    assertThat(apply("[{'op':'add','path':'/a~1b','value':1}]", "{'m~n':2}"))
        .isEqualTo(json("{'m~n':2,'a/b':1}"));
  }

  @Test
  void whatDoesNotApplyIsRejectedAndTheRestIsMalformed() {
    assertNotApplicable("[{'op':'test','path':'/baz','value':'bar'}]", "{'baz':'qux'}");
    assertNotApplicable("[{'op':'add','path':'/baz/bat','value':'qux'}]", "{'foo':'bar'}");
    assertNotApplicable("[{'op':'remove','path':'/nothing'}]", "{'foo':'bar'}");
    assertNotApplicable("[{'op':'replace','path':'/nothing','value':1}]", "{'foo':'bar'}");
    assertNotApplicable("[{'op':'add','path':'/foo/5','value':1}]", "{'foo':[1]}");
    assertNotApplicable("[{'op':'remove','path':'/foo/01'}]", "{'foo':[1,2]}");

    assertMalformed("{'op':'remove','path':'/foo'}");
    assertMalformed("[{'op':'frob','path':'/foo'}]");
    assertMalformed("[{'path':'/foo'}]");
    assertMalformed("[{'op':'add','path':'foo','value':1}]");
    assertMalformed("[{'op':'add','path':'/foo'}]");
    assertMalformed("[{'op':'move','from':'/a','path':'/a/b'}]");
    assertMalformed("not json");
  }

  private static void assertNotApplicable(String patch, String json) {
    assertThatThrownBy(() -> apply(patch, json))
        .isInstanceOfSatisfying(
            PatchRejected.class, e -> assertThat(e.malformed()).as(e.getMessage()).isFalse());
  }

  private static void assertMalformed(String patch) {
    assertThatThrownBy(() -> apply(patch, "{'foo':'bar','a':{}}"))
        .isInstanceOfSatisfying(
            PatchRejected.class, e -> assertThat(e.malformed()).as(e.getMessage()).isTrue());
  }
}
