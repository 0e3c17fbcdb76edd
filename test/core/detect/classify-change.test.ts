import { describe, expect, it } from "vitest";
import { classifyChange, countPatchLines, type ChangeInput } from "../../../src/core/detect/classify-change.js";
import { defaultDetectorConfig, type DetectorConfig } from "../../../src/core/detect/config.js";
import type { ChangeKind } from "../../../src/core/model.js";

function change(title: string, files: ChangeInput["files"]): ChangeInput {
  return { title, body: "", files };
}

const RUNBOOK_PATCH = `@@ -0,0 +1,24 @@
+# Database failover
+
+## Symptoms
+- p99 latency on /checkout above 2 s, "too many connections" in the API logs.
+
+## Mitigation
+1. Promote the replica: \`make db-promote REGION=eu-west-1\`.
+2. Point PGBOUNCER_HOST at the new primary.
+
+## Escalation
+Page the data-platform on-call if the promotion takes more than 10 minutes.`;

const cases: { name: string; input: ChangeInput; kinds: ChangeKind[] }[] = [
  {
    name: "docs aside in a feature PR is not docs",
    input: change("Add annual billing", [
      { path: "src/billing/annual.ts", additions: 240, deletions: 30 },
      { path: "src/billing/annual.test.ts", additions: 90, deletions: 0 },
      { path: "README.md", additions: 3, deletions: 0 },
    ]),
    kinds: [],
  },
  {
    name: "a migration guide is docs",
    input: change("Write the v3 migration guide", [
      { path: "docs/guides/migrating-to-v3.md", additions: 140, deletions: 0 },
      { path: "README.md", additions: 6, deletions: 2 },
    ]),
    kinds: ["docs"],
  },
  {
    name: "an ADR is docs",
    input: change("ADR 0012: event sourcing for the ledger", [{ path: "docs/adr/0012-ledger-events.md", additions: 85, deletions: 0 }]),
    kinds: ["docs"],
  },
  {
    name: "a runbook PR is runbook",
    input: change("Runbook for payment provider outages", [{ path: "ops/runbooks/payments-outage.md", additions: 70, deletions: 4 }]),
    kinds: ["runbook"],
  },
  {
    name: "a doc that reads like a runbook is runbook (content)",
    input: change("Document DB failover", [{ path: "docs/ops/database-failover.md", additions: 11, deletions: 0, patch: RUNBOOK_PATCH }]),
    kinds: ["runbook"],
  },
  {
    name: "CODEOWNERS is ownership",
    input: change("Route payments reviews to @acme/payments", [{ path: ".github/CODEOWNERS", additions: 3, deletions: 1 }]),
    kinds: ["ownership"],
  },
  {
    name: "a workflow change is ci-config",
    input: change("Cache node_modules in CI", [{ path: ".github/workflows/ci.yml", additions: 18, deletions: 6 }]),
    kinds: ["ci-config"],
  },
  {
    name: "renovate config is ci-config",
    input: change("Group minor dependency updates", [{ path: "renovate.json", additions: 12, deletions: 2 }]),
    kinds: ["ci-config"],
  },
  {
    name: "a PR template is template, not docs",
    input: change("Add a risk section to the PR template", [{ path: ".github/PULL_REQUEST_TEMPLATE.md", additions: 14, deletions: 2 }]),
    kinds: ["template"],
  },
  {
    name: "issue forms are template",
    input: change("Bug report form", [{ path: ".github/ISSUE_TEMPLATE/bug_report.yml", additions: 40, deletions: 0 }]),
    kinds: ["template"],
  },
  {
    name: "a test-only PR is test",
    input: change("Cover the refund edge cases", [
      { path: "tests/test_refunds.py", additions: 120, deletions: 5 },
      { path: "tests/conftest.py", additions: 10, deletions: 0 },
    ]),
    kinds: ["test"],
  },
  {
    name: "a feature with its tests is not test",
    input: change("Add refunds", [
      { path: "app/refunds.py", additions: 200, deletions: 10 },
      { path: "tests/test_refunds.py", additions: 150, deletions: 0 },
    ]),
    kinds: [],
  },
  {
    name: "lockfiles do not dilute a CI change",
    input: change("Upgrade the CI Node version", [
      { path: "package-lock.json", additions: 2400, deletions: 2100 },
      { path: ".github/workflows/ci.yml", additions: 4, deletions: 4 },
    ]),
    kinds: ["ci-config"],
  },
  {
    name: "all-glue PR: docs and CI both count",
    input: change("Docs site build", [
      { path: "docs/index.md", additions: 60, deletions: 0 },
      { path: ".github/workflows/docs.yml", additions: 40, deletions: 0 },
    ]),
    kinds: ["docs", "ci-config"],
  },
  {
    name: "product code with 'docs' in the path is not docs",
    input: change("Render API docs pages faster", [{ path: "src/docs_renderer/render.ts", additions: 80, deletions: 20 }]),
    kinds: [],
  },
];

describe("classifyChange: kinds", () => {
  it.each(cases)("$name", ({ input, kinds }) => {
    expect(classifyChange(input).kinds.map((k) => k.kind)).toEqual(kinds);
  });

  it("reports the share and the files as evidence", () => {
    const r = classifyChange(cases[1]!.input);
    expect(r.kinds[0]).toMatchObject({ kind: "docs", lines: 148, files: 2, share: 1 });
    expect(r.kinds[0]!.evidence[0]).toBe("Docs: 2 files, 148 of 148 changed lines (100% of the change): docs/guides/migrating-to-v3.md, README.md.");
    expect(r.kinds[0]!.evidence).toContain("Includes a migration/upgrade guide (docs/guides/migrating-to-v3.md).");
  });

  it("the docs aside still appears in the breakdown, with its small share", () => {
    const r = classifyChange(cases[0]!.input);
    const docs = r.breakdown.find((k) => k.kind === "docs");
    expect(docs?.lines).toBe(3);
    expect(docs!.share).toBeLessThan(0.02);
    expect(r.otherLines).toBe(270);
  });

  it("says why a content-classified runbook is a runbook", () => {
    const r = classifyChange(cases[4]!.input);
    expect(r.kinds[0]!.evidence.join(" ")).toMatch(/reads like a runbook \(sections: Symptoms, Mitigation, Escalation\)/);
  });

  it("ignored lines are counted separately", () => {
    const r = classifyChange(cases[12]!.input);
    expect(r.ignoredLines).toBe(4500);
    expect(r.totalLines).toBe(8);
  });

  it("counts lines from the patch when additions/deletions are missing, else one per file", () => {
    const patch = "@@ -1,3 +1,4 @@\n context\n-old line\n+new line\n+another\n";
    expect(countPatchLines(patch)).toBe(3);
    expect(countPatchLines("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b")).toBe(2);
    const r = classifyChange({ title: "Docs", files: [{ path: "docs/a.md", patch }, { path: "src/a.ts" }] });
    expect(r.totalLines).toBe(4);
    expect(r.breakdown[0]).toMatchObject({ kind: "docs", lines: 3 });
  });

  it("a change of renames only is weighed by files", () => {
    const r = classifyChange({ title: "Move docs", files: [{ path: "docs/a.md", additions: 0, deletions: 0 }, { path: "docs/b.md", additions: 0, deletions: 0 }] });
    expect(r.kinds.map((k) => k.kind)).toEqual(["docs"]);
    expect(r.docsOnly).toBe(true);
  });

  it("docsOnly is true only for docs, runbooks and templates", () => {
    expect(classifyChange(cases[1]!.input).docsOnly).toBe(true);
    expect(classifyChange(cases[6]!.input).docsOnly).toBe(false);
    expect(classifyChange(cases[0]!.input).docsOnly).toBe(false);
  });

  it("path globs come from the config", () => {
    const config: DetectorConfig = { ...defaultDetectorConfig, paths: { ...defaultDetectorConfig.paths, docs: ["handbook/**"] } };
    const input = change("Handbook", [{ path: "handbook/oncall-etiquette.txt", additions: 30, deletions: 0 }]);
    expect(classifyChange(input, config).kinds.map((k) => k.kind)).toEqual(["docs"]);
    expect(classifyChange(input).kinds).toEqual([]);
    expect(classifyChange(change("Readme", [{ path: "README.md", additions: 30, deletions: 0 }]), config).kinds).toEqual([]);
  });

  it("the share threshold comes from the config", () => {
    const input = change("Docs and code", [
      { path: "docs/billing.md", additions: 40, deletions: 0 },
      { path: "src/billing.ts", additions: 60, deletions: 0 },
    ]);
    expect(classifyChange(input).kinds).toEqual([]);
    const config: DetectorConfig = { ...defaultDetectorConfig, thresholds: { ...defaultDetectorConfig.thresholds, changeKindShare: 0.3 } };
    expect(classifyChange(input, config).kinds.map((k) => k.kind)).toEqual(["docs"]);
  });
});

describe("classifyChange: tests are glue work when they are the point of the change", () => {
  it("a feature or bug fix that brings its own tests is not test work, even when most of its lines are tests", () => {
    const feature = change("Expose lastLoginAt on Operator responses", [
      { path: "src/operators/serializer.ts", additions: 1, deletions: 0 },
      { path: "test/operators/serializer.test.ts", additions: 3, deletions: 0 },
    ]);
    expect(classifyChange(feature).kinds.map((k) => k.kind)).toEqual([]);
    const fix = change("Fix timezone bug in maintenance window scheduler", [
      { path: "src/maintenance/scheduler.ts", additions: 3, deletions: 2 },
      { path: "test/maintenance/windows-dst.test.ts", additions: 19, deletions: 0 },
    ]);
    expect(classifyChange(fix).kinds.map((k) => k.kind)).toEqual([]);
    // The breakdown still says how much of it was tests.
    expect(classifyChange(fix).breakdown.map((k) => k.kind)).toEqual(["test"]);
  });

  it("a change that only touches tests is test work, and says so", () => {
    const r = classifyChange(change("Cover the delete edge cases", [{ path: "test/orders/delete-order.test.ts", additions: 16, deletions: 0 }]));
    expect(r.kinds.map((k) => k.kind)).toEqual(["test"]);
    expect(r.kinds[0]!.evidence.join(" ")).toContain("touches tests only");
  });

  it("a change that says it is about tests, by title or label, is test work despite a small helper change", () => {
    const files = [
      { path: "src/lib/clock.ts", additions: 2, deletions: 0 },
      { path: "test/orders/sync.test.ts", additions: 40, deletions: 5 },
    ];
    expect(classifyChange(change("Add regression tests for order sync", files)).kinds.map((k) => k.kind)).toEqual(["test"]);
    const labelled = { ...change("Order sync: cover retries", files), labels: ["tests"] };
    expect(classifyChange(labelled).kinds.map((k) => k.kind)).toEqual(["test"]);
  });
});

describe("comment-only edits to source files", () => {
  const goDoc = `@@ -10,7 +10,7 @@ package compactor
-// Run compacts every hour.
+// Run compacts once per retention window (24 hours by default).
 func (c *Compactor) Run() {`;
  const rubyDoc = `@@ -40,6 +40,7 @@ module Puma
     # The minimum is 6 seconds.
-    # Defaults to 30.
+    # Defaults to 60.
+    #
     def worker_timeout(timeout)`;
  const codeChange = `@@ -10,7 +10,7 @@ package compactor
-// Run compacts every hour.
-func (c *Compactor) Run() { c.every(time.Hour) }
+// Run compacts every day.
+func (c *Compactor) Run() { c.every(24 * time.Hour) }`;
  const preprocessor = `@@ -1,3 +1,3 @@
-#include "old.h"
+#include "new.h"`;

  it("are docs, with the reason given", () => {
    for (const [path, patch] of [["server/compactor.go", goDoc], ["lib/puma/dsl.rb", rubyDoc]] as const) {
      const r = classifyChange(change("Clarify the default", [{ path, additions: 2, deletions: 1, patch }]));
      expect(r.kinds.map((k) => k.kind)).toEqual(["docs"]);
      expect(r.kinds[0]!.evidence.join(" ")).toContain(`${path} changes only comments`);
    }
  });

  it("a code line among the comments, a preprocessor line or a file that is not source stays product code", () => {
    expect(classifyChange(change("Compact daily", [{ path: "server/compactor.go", additions: 2, deletions: 2, patch: codeChange }])).kinds).toEqual([]);
    expect(classifyChange(change("Rename header", [{ path: "src/main.c", additions: 1, deletions: 1, patch: preprocessor }])).kinds).toEqual([]);
    expect(classifyChange(change("Tweak settings", [{ path: "config/settings.ini", additions: 1, deletions: 1, patch: "@@ -1 +1 @@\n-# a\n+# b" }])).kinds).toEqual([]);
  });
});
