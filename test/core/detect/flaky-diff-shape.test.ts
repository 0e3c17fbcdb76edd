import { describe, expect, it } from "vitest";
import { addDiffShape, emptyDiffShape, SHAPE_READ } from "../../../src/core/detect/flaky-diff-shape.js";
import { classifyFiles, shareKinds, type ChangeInput } from "../../../src/core/detect/classify-change.js";
import { compileConfig } from "../../../src/core/detect/compile-config.js";
import { defaultDetectorConfig } from "../../../src/core/detect/config.js";
import { flakyFacts } from "../../../src/core/detect/flaky-facts.js";
import { FLAKY_FEATURES, flakyFeatures } from "../../../src/core/detect/flaky-features.js";

const shape = (patch: string) => addDiffShape(patch, emptyDiffShape());

const RETUNE = `@@ -10,3 +10,3 @@ func TestLeader(t *testing.T) {
-	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
+	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
 	defer cancel()`;

const SKIP = `@@ -3,6 +3,7 @@
+@pytest.mark.skip(reason="flaky on CI")
 def test_reconnect():`;

const SLEEP_TO_WAIT = `@@ -20,6 +20,9 @@ public class ClusterTest {
     cluster.start();
-    Thread.sleep(2000);
-    assertEquals(3, cluster.members().size());
+    await().atMost(Duration.ofSeconds(30))
+        .untilAsserted(() -> assertEquals(3, cluster.members().size()));
+    // the members join asynchronously
+    cluster.check();`;

const NEW_TEST = `@@ -0,0 +1,6 @@
+import { waitFor } from "./helpers";
+test("emits once", async () => {
+  const bus = new Bus();
+  await waitFor(() => bus.ready);
+  expect(bus.count).toBe(1);
+});`;

describe("the shape of a test diff (knobs turned versus logic rewritten)", () => {
  it("counts a retuned timeout as all knob and no new logic", () => {
    const s = shape(RETUNE);
    expect(s.changed).toBe(2);
    expect(s.knob).toBe(2);
    expect(s.logicAdded).toBe(0);
    expect(s.replacingFamilies.size).toBe(0);
  });

  it("counts an added skip as a knob", () => {
    const s = shape(SKIP);
    expect(s).toMatchObject({ changed: 1, knob: 1, logicAdded: 0 });
  });

  it("reads a sleep replaced by waiting on a condition as logic that replaces what was there", () => {
    const s = shape(SLEEP_TO_WAIT);
    // The removed sleep is a knob; the comment line is not counted at all.
    expect(s.changed).toBe(5);
    expect(s.knob).toBe(1);
    expect(s.logicAdded).toBe(3);
    expect([...s.replacingFamilies]).toContain("replaces a fixed sleep with waiting/polling for a condition");
  });

  it("does not call a family in brand-new code a replacement, and does not count imports as logic", () => {
    const s = shape(NEW_TEST);
    expect(s.replacingFamilies.size).toBe(0);
    expect(s.logicAdded).toBe(5);
    expect(s.knob).toBe(0);
  });

  it("reads a retuned wait as knobs only, never as a family that replaces what was there", () => {
    const latch = shape(`@@ -8,3 +8,3 @@
     client.send(msg);
-    assertTrue(latch.await(5, TimeUnit.SECONDS));
+    assertTrue(latch.await(30, TimeUnit.SECONDS));`);
    expect(latch).toMatchObject({ changed: 2, knob: 2, logicAdded: 0 });
    expect(latch.replacingFamilies.size).toBe(0);
    const eventually = shape(`@@ -8,3 +8,3 @@
-	require.Eventually(t, ready, 5*time.Second, 10*time.Millisecond)
+	require.Eventually(t, ready, 30*time.Second, 10*time.Millisecond)`);
    expect(eventually).toMatchObject({ changed: 2, knob: 2 });
    expect(eventually.replacingFamilies.size).toBe(0);
  });

  it("reads # and * lines glued to code as code: a Rust ignore is a knob, an include an import", () => {
    expect(shape("@@ -1,2 +1,3 @@\n+#[ignore]\n #[test]")).toMatchObject({ changed: 1, knob: 1 });
    expect(shape("@@ -1,1 +1,3 @@\n+#include <thread>\n+# a comment\n+*rest, last = items")).toMatchObject({ changed: 2, knob: 0, logicAdded: 1 });
  });

  it("keeps change blocks apart: a removal in one block does not make a new test's wait below it a replacement", () => {
    const s = shape(`@@ -10,9 +10,12 @@
-import unused.Thing;
 import org.junit.Test;
 
 class BusTest {
+  @Test
+  void emits() {
+    await().until(() -> bus.ready());
+  }
 }`);
    expect(s.replacingFamilies.size).toBe(0);
    expect(s.logicAdded).toBe(4);
  });

  it("reads the shape from the first SHAPE_READ characters of a huge patch only", () => {
    const pair = "-  timeout(1)\n+  timeout(x)\n";
    const huge = `@@ -1,100000 +1,100000 @@\n${pair.repeat(20_000)}`;
    const s = shape(huge);
    expect(s.changed).toBeGreaterThan(0);
    expect(s.changed).toBeLessThanOrEqual(SHAPE_READ / 8);
  });

  it("accumulates over the files of a change", () => {
    const s = emptyDiffShape();
    addDiffShape(RETUNE, s);
    addDiffShape(SLEEP_TO_WAIT, s);
    expect(s).toMatchObject({ changed: 7, knob: 3, logicAdded: 3 });
  });

  it("reads empty, header-only and hostile patches without throwing", () => {
    expect(shape("")).toMatchObject({ changed: 0, knob: 0, logicAdded: 0 });
    expect(shape("--- a/x\n+++ b/x\n@@ -1 +1 @@")).toMatchObject({ changed: 0, knob: 0 });
    // A 15,000-character line of timeouts is counted, not matched against the knob patterns.
    const long = `@@ -1,1 +1,1 @@\n-${"a".repeat(15_000)}\n+${"timeout: 5 ".repeat(400)}`;
    expect(shape(long)).toMatchObject({ changed: 2, knob: 0, logicAdded: 1 });
    // Beyond SHAPE_READ nothing is read: a first line of 200,000 characters leaves the shape empty,
    // and of 20,000 one-character lines only those in the first SHAPE_READ characters count.
    expect(shape(`@@ -1,1 +1,1 @@\n-${"a".repeat(200_000)}\n+b`)).toMatchObject({ changed: 0 });
    const many = shape(`@@ -1,0 +1,20000 @@\n${"+x\n".repeat(20_000)}`);
    expect(many.changed).toBe(many.logicAdded);
    expect(many.changed).toBe(Math.floor((SHAPE_READ - 19) / 3));
  });
});

describe("the diff-shape features of the flaky model", () => {
  const c = compileConfig(defaultDetectorConfig);
  const featuresOf = (input: ChangeInput) => {
    const files = classifyFiles(input.files ?? [], c);
    const x = flakyFeatures(flakyFacts(input, files, shareKinds(files, defaultDetectorConfig), c));
    return (name: string) => x[FLAKY_FEATURES.indexOf(name)]!;
  };

  it("reads a timeout bump on a flaky test as knobs only, and a rewritten wait as a replacing family", () => {
    const bump = featuresOf({ title: "Fix flaky TestLeader", files: [{ path: "raft/leader_test.go", additions: 1, deletions: 1, patch: RETUNE }] });
    expect(bump("knobShare")).toBe(1);
    expect(bump("logicAdded")).toBe(0);
    expect(bump("familyReplaces")).toBe(0);

    const wait = featuresOf({ title: "Fix flaky ClusterTest", files: [{ path: "src/test/java/ClusterTest.java", additions: 4, deletions: 2, patch: SLEEP_TO_WAIT }] });
    expect(wait("knobShare")).toBeCloseTo(1 / 5, 6);
    expect(wait("logicAdded")).toBeCloseTo(Math.log10(4) / 3, 6);
    expect(wait("familyReplaces")).toBe(1);
    expect(wait("familyReplacesWithWords")).toBe(1);
  });

  it("leaves the shape at zero for product code and for new test files", () => {
    const product = featuresOf({ title: "Fix flaky retry loop", files: [{ path: "src/client.go", additions: 1, deletions: 1, patch: RETUNE }] });
    expect(product("knobShare")).toBe(0);
    expect(product("familyReplaces")).toBe(0);
    const added = featuresOf({ title: "Add a test for the bus", files: [{ path: "test/bus.test.ts", additions: 6, deletions: 0, patch: NEW_TEST }] });
    expect(added("logicAdded")).toBe(0);
    expect(added("familyReplacesWithWords")).toBe(0);
  });
});
