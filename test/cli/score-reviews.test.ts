import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { readLines, run } from "../../src/cli/score-reviews.js";

function io(input: string | Buffer | (string | Buffer)[], cwd = tmpdir()): { io: CliIo; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const chunks = Array.isArray(input) ? input : [input];
  return {
    io: {
      stdin: Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

function lines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const DEFECT_REVIEW = {
  id: "r1",
  state: "CHANGES_REQUESTED",
  body: "",
  reviewer: "maya",
  author: "sam",
  submittedSecondsAfterOpen: 5400,
  pr: { title: "Charge on renewal", additions: 180, deletions: 40, changedFiles: 6, authorAssociation: "MEMBER" },
  comments: [{ path: "src/billing/renew.ts", line: 88, body: "This will double-charge the customer when the retry fires after a timeout.", ledToChange: true, replies: 1 }],
};
const NITS_REVIEW = {
  id: "r2",
  state: "COMMENTED",
  body: "",
  reviewer: "lee",
  author: "sam",
  comments: Array.from({ length: 12 }, (_, i) => ({ path: "src/a.ts", line: i + 1, body: `nit: whitespace on line ${"abcdefghijkl"[i]}` })),
};

describe("unsung score-reviews", () => {
  it("scores each line and writes one JSON line per review", async () => {
    const t = io(`${JSON.stringify(DEFECT_REVIEW)}\n${JSON.stringify(NITS_REVIEW)}\n`);
    expect(await run([], t.io)).toBe(0);
    expect(t.err()).toBe("");
    const [a, b] = lines(t.out());
    expect(a).toMatchObject({ id: "r1", level: "deep", comments: [{ category: "defect", ledToChange: true }] });
    expect(b).toMatchObject({ id: "r2", level: "light" });
    expect(a!.score as number).toBeGreaterThan((b!.score as number) * 3);
    expect((a!.evidence as string[]).length).toBeGreaterThan(0);
  });

  it("missing optional fields work (only id, reviewer, author)", async () => {
    const t = io(`{"id": 7, "reviewer": "maya", "author": "sam"}\n{"id":"x","reviewer":"maya","author":"sam","pr":{},"comments":[{"body":"Why?"}]}\n`);
    expect(await run([], t.io)).toBe(0);
    const [a, b] = lines(t.out());
    expect(a).toMatchObject({ id: 7, score: 0, level: "rubber-stamp", comments: [] });
    expect(b).toMatchObject({ id: "x", comments: [{ category: "nit" }] });
  });

  it("excludes self-reviews and bots with a reason", async () => {
    const rows = [
      { ...DEFECT_REVIEW, id: "self", reviewer: "sam" },
      { ...DEFECT_REVIEW, id: "copilot", reviewer: "copilot-pull-request-reviewer[bot]" },
      { ...DEFECT_REVIEW, id: "rabbit", reviewer: "coderabbitai[bot]" },
    ];
    const t = io(rows.map((r) => JSON.stringify(r)).join("\n"));
    expect(await run([], t.io)).toBe(0);
    expect(lines(t.out()).map((l) => [l.id, l.score, l.level, l.excluded])).toEqual([
      ["self", 0, null, "self-review"],
      ["copilot", 0, null, "ai-reviewer"],
      ["rabbit", 0, null, "ai-reviewer"],
    ]);
  });

  it("a 2-second approval of a 1,500-line PR is a rubber stamp; a verified approval is not", async () => {
    const pr = { additions: 1200, deletions: 300 };
    const rows = [
      { id: "stamp", state: "APPROVED", reviewer: "lee", author: "sam", submittedSecondsAfterOpen: 2, pr },
      { id: "verified", state: "APPROVED", body: "Ran the migration against a prod copy: 4 s, no locks", reviewer: "lee", author: "sam", submittedSecondsAfterOpen: 4000, pr },
    ];
    const t = io(rows.map((r) => JSON.stringify(r)).join("\n"));
    await run([], t.io);
    const [s, v] = lines(t.out());
    expect(s).toMatchObject({ level: "rubber-stamp", score: 0 });
    // Saying what was verified, with figures, is substantive whatever the size (the label rule of
    // the evaluation sets); the size of the change lowers its score, it does not remove the finding.
    expect(v!.level).toBe("substantive");
  });

  it("reports bad lines with their number, keeps going, and exits 1", async () => {
    const input = [
      JSON.stringify(DEFECT_REVIEW),
      "{not json",
      "[1, 2, 3]",
      "42",
      '"a string"',
      "null",
      JSON.stringify({ id: "bad", reviewer: "maya", author: "sam", comments: [{ body: 5 }] }),
      JSON.stringify({ id: "noreviewer", author: "sam" }),
      JSON.stringify({ id: { nested: true }, reviewer: "maya", author: "sam" }),
      "",
      "   ",
      JSON.stringify(NITS_REVIEW),
    ].join("\n");
    const t = io(input);
    expect(await run([], t.io)).toBe(1);
    expect(lines(t.out()).map((l) => l.id)).toEqual(["r1", "r2"]);
    const errors = t.err().trim().split("\n");
    expect(errors).toEqual([
      expect.stringMatching(/^line 2: not valid JSON/),
      "line 3: expected a JSON object, got an array",
      "line 4: expected a JSON object, got a number",
      "line 5: expected a JSON object, got a string",
      "line 6: expected a JSON object, got null",
      "line 7: comments[0].body: expected string, got a number",
      "line 8: reviewer: missing (expected string)",
      "line 9: id: expected a string or a number, got an object",
    ]);
  });

  it("rejects an oversized line without holding it, and scores the next one", async () => {
    const huge = `{"id":"big","reviewer":"maya","author":"sam","body":"${"x".repeat(1024 * 1024 + 10)}"}`;
    // Delivered in small chunks, as a pipe would.
    const chunks: string[] = [];
    for (let i = 0; i < huge.length; i += 65_536) chunks.push(huge.slice(i, i + 65_536));
    const t = io([...chunks, "\n", JSON.stringify(NITS_REVIEW), "\n"]);
    expect(await run([], t.io)).toBe(1);
    expect(t.err()).toMatch(/^line 1: line is 1\.0 MiB; the limit is 1 MiB\n$/);
    expect(lines(t.out()).map((l) => l.id)).toEqual(["r2"]);
  });

  it("handles CRLF, a BOM, a missing final newline, and invalid UTF-8", async () => {
    const t = io([Buffer.from("\uFEFF" + JSON.stringify(DEFECT_REVIEW) + "\r\n"), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from(JSON.stringify(NITS_REVIEW))]);
    expect(await run([], t.io)).toBe(1);
    expect(lines(t.out()).map((l) => l.id)).toEqual(["r1", "r2"]);
    expect(t.err()).toBe("line 2: not valid UTF-8\n");
  });

  it("--help prints usage; unknown flags and stray arguments exit 2", async () => {
    const h = io("");
    expect(await run(["--help"], h.io)).toBe(0);
    expect(h.out()).toMatch(/^Usage: unsung score-reviews/);
    const u = io("");
    expect(await run(["--fast"], u.io)).toBe(2);
    expect(u.err()).toMatch(/^unsung score-reviews: .*--fast/);
    const p = io("");
    expect(await run(["reviews.jsonl"], p.io)).toBe(2);
    expect(p.err()).toContain("reviews.jsonl");
  });

  it("--config applies a .github/unsung.yml (AI reviewers, opt-outs) and reports a broken one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "unsung-score-"));
    writeFileSync(join(dir, "unsung.yml"), "bots:\n  aiReviewers: [acme-ai]\nexclude: [maya]\n");
    writeFileSync(join(dir, "broken.yml"), "exclude: 5\n");
    const rows = [{ ...DEFECT_REVIEW, id: "ai", reviewer: "acme-ai[bot]" }, DEFECT_REVIEW];
    const t = io(rows.map((r) => JSON.stringify(r)).join("\n"), dir);
    expect(await run(["--config", "unsung.yml"], t.io)).toBe(0);
    expect(lines(t.out()).map((l) => l.excluded)).toEqual(["ai-reviewer", "opted-out"]);
    const b = io("", dir);
    expect(await run(["--config", "broken.yml"], b.io)).toBe(2);
    expect(b.err()).toContain("`exclude`");
    const m = io("", dir);
    expect(await run(["--config", "missing.yml"], m.io)).toBe(2);
    expect(m.err()).toContain("cannot read --config missing.yml");
  });
});

describe("readLines", () => {
  async function collect(chunks: (string | Buffer)[], max?: number) {
    const out = [];
    for await (const l of readLines(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))), max)) out.push(l);
    return out;
  }

  it("splits across chunk boundaries, including multi-byte characters", async () => {
    const euro = Buffer.from("€");
    const r = await collect([Buffer.from("a"), euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from("\nb\n")])]);
    expect(r).toEqual([
      { line: 1, text: "a€" },
      { line: 2, text: "b" },
    ]);
  });

  it("counts lines, blank ones included", async () => {
    expect((await collect(["\n\nx"])).map((l) => l.line)).toEqual([1, 2, 3]);
  });

  it("enforces the byte limit exactly", async () => {
    const r = await collect(["12345\n123456\n"], 5);
    expect(r[0]).toEqual({ line: 1, text: "12345" });
    expect(r[1]!.error).toMatch(/limit/);
  });
});
