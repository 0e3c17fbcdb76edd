import { describe, expect, it } from "vitest";
import { choosePatches, type PatchCandidateInput } from "../../../src/core/backfill/choose-patches.js";
import { compileConfig } from "../../../src/core/detect/compile-config.js";
import { defaultDetectorConfig } from "../../../src/core/detect/config.js";

const c = compileConfig(defaultDetectorConfig);
const pr = (o: Partial<PatchCandidateInput>): PatchCandidateInput => ({ title: "Add retries", body: "", labels: [], commitMessages: [], linkedIssues: [], files: [{ path: "src/a.ts", additions: 3, deletions: 1 }], ...o });

describe("choosePatches", () => {
  it("fetches diffs of a possible flaky-test fix that touches test code", () => {
    const d = choosePatches(pr({ title: "Deflake the checkout test", files: [{ path: "test/checkout.test.ts", additions: 2, deletions: 2 }] }), c);
    expect(d).toMatchObject({ need: true });
    expect(d.reason).toContain("Deflake");
  });

  it("uses labels, commit messages and linked issues as the context", () => {
    const files = [{ path: "src/order.spec.ts", additions: 2, deletions: 2 }];
    expect(choosePatches(pr({ labels: ["flaky-test"], files }), c).need).toBe(true);
    expect(choosePatches(pr({ commitMessages: ["fix flaky test in order spec"], files }), c).need).toBe(true);
    expect(choosePatches(pr({ linkedIssues: [{ number: 3, title: "order test is flaky", labels: [] }], files }), c).need).toBe(true);
  });

  it("skips words without test code, and test code without words", () => {
    expect(choosePatches(pr({ title: "Deflake the checkout test", files: [{ path: "src/checkout.ts", additions: 5, deletions: 1 }] }), c).need).toBe(false);
    expect(choosePatches(pr({ files: [{ path: "test/checkout.test.ts", additions: 5, deletions: 1 }] }), c).need).toBe(false);
    expect(choosePatches(pr({ title: "Deflake", files: [] }), c).need).toBe(false);
  });

  it("fetches docs that may read like a runbook, not docs in general", () => {
    expect(choosePatches(pr({ title: "Document the checkout outage rollback", files: [{ path: "docs/checkout.md", additions: 30, deletions: 0 }] }), c).need).toBe(true);
    expect(choosePatches(pr({ title: "Fix a typo", files: [{ path: "docs/checkout.md", additions: 1, deletions: 1 }] }), c).need).toBe(false);
  });
});
