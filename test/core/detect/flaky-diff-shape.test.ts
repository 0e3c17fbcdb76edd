import { describe, expect, it } from "vitest";
import { addDiffShape, emptyDiffShape } from "../../../src/core/detect/flaky-diff-shape.js";
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

  it("accumulates over the files of a change", () => {
    const s = emptyDiffShape();
    addDiffShape(RETUNE, s);
    addDiffShape(SLEEP_TO_WAIT, s);
    expect(s).toMatchObject({ changed: 7, knob: 3, logicAdded: 3 });
  });

  it("reads empty, header-only and hostile patches without throwing", () => {
    expect(shape("")).toMatchObject({ changed: 0, knob: 0, logicAdded: 0 });
    expect(shape("--- a/x\n+++ b/x\n@@ -1 +1 @@")).toMatchObject({ changed: 0, knob: 0 });
    // A 200,000-character line and 20,000 one-character lines: counted, not matched against knobs.
    const long = `@@ -1,1 +1,1 @@\n-${"a".repeat(200_000)}\n+${"timeout: 5 ".repeat(20_000)}`;
    expect(shape(long)).toMatchObject({ changed: 2, knob: 0, logicAdded: 1 });
    const many = `@@ -1,0 +1,20000 @@\n${"+x\n".repeat(20_000)}`;
    expect(shape(many)).toMatchObject({ changed: 20_000, logicAdded: 20_000 });
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
