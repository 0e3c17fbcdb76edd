import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/classify.js";
import type { CliIo } from "../../src/cli/io.js";

function io(input: string | string[]): { io: CliIo; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    io: {
      stdin: Readable.from((Array.isArray(input) ? input : [input]).map((c) => Buffer.from(c))),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
      cwd: tmpdir(),
    },
    out: () => out,
    err: () => err,
  };
}

type Row = { id: unknown; kinds: string[]; shares: Record<string, number>; flakyFix: { is: boolean; confidence: number; evidence: string[]; quarantine: boolean; outcome: { status: string } | null } };

function rows(text: string): Row[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

const DAY = 86_400_000;
const MERGED = Date.parse("2024-05-15T12:00:00Z");
function ciRuns(): { name: string; sha: string; conclusion: string; attempt: number; at: string; branch: string }[] {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const at = new Date(MERGED - 30 * DAY + i * 0.75 * DAY).toISOString();
    const sha = `b${i}`;
    if (i % 8 === 0) out.push({ name: "e2e", sha, conclusion: "failure", attempt: 1, at, branch: "main" });
    out.push({ name: "e2e", sha, conclusion: "success", attempt: i % 8 === 0 ? 2 : 1, at, branch: "main" });
  }
  for (let i = 0; i < 40; i++) {
    out.push({ name: "e2e", sha: `a${i}`, conclusion: "success", attempt: 1, at: new Date(MERGED + (i + 1) * 0.7 * DAY).toISOString(), branch: "main" });
  }
  return out;
}

const CHANGES = [
  { id: "docs", title: "Write the v3 migration guide", files: [{ path: "docs/guides/migrating-to-v3.md", additions: 140, deletions: 0 }] },
  { id: "aside", title: "Add annual billing", files: [{ path: "src/billing/annual.ts", additions: 240, deletions: 30 }, { path: "README.md", additions: 3 }] },
  { id: "owners", title: "Route payments reviews", files: [{ path: ".github/CODEOWNERS" }] },
  { id: "wifi", title: "Fix flaky Wi-Fi reconnect handling", files: [{ path: "src/net/wifi.c", additions: 4, deletions: 1 }] },
  {
    id: "skip",
    title: "Skip flaky checkout test",
    files: [{ path: "test/checkout.spec.ts", patch: '@@ -30,7 +30,7 @@\n-  it("charges the card", async () => {\n+  it.skip("charges the card", async () => {' }],
  },
  {
    id: "deflake",
    title: "Deflake checkout e2e",
    body: "Waits for the payment iframe instead of sleeping 2 s.",
    files: [{ path: "e2e/checkout.spec.ts", additions: 1, deletions: 1, patch: "@@ -21,3 +21,3 @@\n-  await page.waitForTimeout(2000);\n+  await page.waitForSelector(\"iframe[name=payment]\");" }],
    ci: { runs: ciRuns(), mergedAt: "2024-05-15T12:00:00Z", defaultBranch: "main" },
  },
];

describe("unsung classify", () => {
  it("classifies each change: kinds that are the substance, and flaky-test fixes vs quarantines", async () => {
    const t = io(CHANGES.map((c) => JSON.stringify(c)).join("\n") + "\n");
    expect(await run([], t.io)).toBe(0);
    expect(t.err()).toBe("");
    const r = rows(t.out());
    expect(r.map((x) => [x.id, x.kinds])).toEqual([
      ["docs", ["docs"]],
      ["aside", []],
      ["owners", ["ownership"]],
      ["wifi", []],
      ["skip", ["test"]],
      ["deflake", ["test"]],
    ]);
    expect(r[1]!.shares.docs).toBeLessThan(0.02);
    expect(r[3]!.flakyFix).toMatchObject({ is: false, quarantine: false });
    expect(r[4]!.flakyFix).toMatchObject({ is: false, quarantine: true });
    expect(r[5]!.flakyFix).toMatchObject({ is: true, quarantine: false, outcome: { status: "improved" } });
    expect(r[5]!.flakyFix.evidence.join(" ")).toContain("13% → 0% over 80 runs");
  });

  it("missing optional fields work", async () => {
    const t = io('{"id": 1, "title": "x", "files": []}\n{"id": 2, "title": "Docs", "files": [{"path": "README.md"}], "ci": {"runs": []}}\n');
    expect(await run([], t.io)).toBe(0);
    const r = rows(t.out());
    expect(r[0]).toMatchObject({ id: 1, kinds: [], flakyFix: { is: false, confidence: 0 } });
    expect(r[1]).toMatchObject({ id: 2, kinds: ["docs"] });
  });

  it("reports malformed lines and keeps going", async () => {
    const input = [
      '{"id": "a", "title": "t"}',
      '{"id": "b", "title": "t", "files": [{"path": 3}]}',
      '{"id": "c", "title": "t", "files": [], "ci": {"runs": [{"name": "ci", "sha": "x"}]}}',
      "[]",
      "true",
      "{",
      JSON.stringify(CHANGES[0]),
    ].join("\n");
    const t = io(input);
    expect(await run([], t.io)).toBe(1);
    expect(rows(t.out()).map((x) => x.id)).toEqual(["docs"]);
    expect(t.err().trim().split("\n")).toEqual([
      "line 1: files: missing (expected array)",
      "line 2: files[0].path: expected string, got a number",
      "line 3: ci.runs[0].conclusion: missing (expected string)",
      "line 4: expected a JSON object, got an array",
      "line 5: expected a JSON object, got a boolean",
      expect.stringMatching(/^line 6: not valid JSON/),
    ]);
  });

  it("rejects an oversized line", async () => {
    const big = JSON.stringify({ id: "big", title: "t", files: [{ path: "a.ts", patch: "+x\n".repeat(400_000) }] });
    const t = io([big, "\n", JSON.stringify(CHANGES[2]), "\n"]);
    expect(await run([], t.io)).toBe(1);
    expect(t.err()).toMatch(/^line 1: line is 1\.\d MiB; the limit is 1 MiB\n$/);
    expect(rows(t.out()).map((x) => x.id)).toEqual(["owners"]);
  });

  it("--help documents the ci field; unknown flags exit 2", async () => {
    const h = io("");
    expect(await run(["-h"], h.io)).toBe(0);
    expect(h.out()).toContain('"ci"?: {"runs": [{"name": "ci", "sha": "abc123", "conclusion": "failure", "attempt": 1');
    const u = io("");
    expect(await run(["--verbose"], u.io)).toBe(2);
    expect(u.err()).toMatch(/^unsung classify: .*--verbose/);
  });
});
