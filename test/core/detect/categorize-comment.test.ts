import { describe, expect, it } from "vitest";
import { acknowledgesChange, categorizeComment, verificationIn } from "../../../src/core/detect/categorize-comment.js";
import type { CommentCategory } from "../../../src/core/model.js";

const cases: [string, CommentCategory][] = [
  ["This interpolates `req.query.name` straight into the SQL string — that's a SQL injection. Use a bound parameter.", "security"],
  ["We log the full request headers here, which leaks the bearer token into Datadog.", "security"],
  ["The webhook handler never checks the signature, so anyone can forge a delivery — authentication is missing.", "security"],
  ["If `user.org` is missing this can be null and the next line throws.", "defect"],
  ["Off-by-one: the loop skips the last page of results.", "defect"],
  ["This will double-charge the customer if the retry fires after a timeout.", "defect"],
  ["The promise isn't awaited, so errors here become an unhandled rejection.", "defect"],
  ["Two workers can pick the same job — this is a race condition between the select and the update.", "defect"],
  ["This does an N+1 query: one select per order inside the loop.", "performance"],
  ["Adding the column with a default rewrites the table and locks the table for minutes on prod.", "performance"],
  ["This is O(n^2) over all members; with 40k members it will be slow.", "performance"],
  ["Can we add a regression test for the empty-cart case?", "test-gap"],
  ["The new branch for expired cards isn't covered by any test.", "test-gap"],
  ["This should live in the billing service rather than the controller; otherwise we have two sources of truth for prices.", "design"],
  ["There's an existing helper for this in lib/retry.ts — reuse it instead of a second backoff loop.", "design"],
  ["Removing this field is a breaking change for API clients; can we deprecate it first?", "design"],
  [
    "For context: we pin the worker to one region because the payment provider rate-limits per IP. See the ADR in docs/adr/0007 for the history.",
    "knowledge-transfer",
  ],
  ["Why do we fetch the account twice here?", "question"],
  ["What is the difference between these two endpoints?", "question"],
  ["nit: trailing whitespace", "nit"],
  ["Typo: 'recieve' → 'receive'", "nit"],
  ["nit: this could leak memory if called in a loop but it's fine for now", "nit"],
  ["minor: rename `tmp` to `pending`", "nit"],
  ["LGTM", "praise"],
  ["Nice! 🎉", "praise"],
  ["👍", "praise"],
  ["looks good to me, thanks!", "praise"],
  ["", "approval-only"],
];

describe("categorizeComment", () => {
  it.each(cases)("%s → %s", (body, category) => {
    expect(categorizeComment(body).category).toBe(category);
  });

  it("ignores words inside code: `null` in a suggestion is not a finding", () => {
    const body = "```suggestion\nconst user = users.find((u) => u.id === id) ?? null;\n```";
    expect(categorizeComment(body)).toMatchObject({ category: "nit", recognised: false });
  });

  it("ignores words in a quoted reply", () => {
    expect(categorizeComment("> this will crash on empty input\n\nAgreed, thanks").category).toBe("praise");
  });

  it("an unrecognisable remark is minor and flagged as unrecognised", () => {
    expect(categorizeComment("Hmm, interesting approach here overall, I suppose")).toMatchObject({ category: "nit", recognised: false });
  });
});

describe("verificationIn", () => {
  it.each([
    ["Ran the migration against a prod copy: 4 s, no locks", true, true],
    ["Checked it out locally and tried the three flows in the description; all work.", true, false],
    ["Deployed to staging and reproduced the original bug, then confirmed the fix", true, false],
  ])("%s → verified", (text, verified, figures) => {
    expect(verificationIn(text) !== null).toBe(verified);
    expect(verificationIn(text)?.figures ?? false).toBe(figures);
  });

  it.each(["LGTM", "tested", "Looks fine to me", "Approving to unblock the release"])("%s → not verification", (text) => {
    expect(verificationIn(text)).toBeNull();
  });
});

describe("acknowledgesChange", () => {
  it.each(["Done", "Fixed in a1b2c3d", "Good catch, updated.", "done 👍", "You're right — changed it"])("%s → acted on", (reply) => {
    expect(acknowledgesChange(reply)).toBe(true);
  });
  it.each(["This is intentional, see the ADR", "Won't fix, out of scope", "Why?", "Let's do it in a follow-up PR — done for now"])("%s → not acted on", (reply) => {
    expect(acknowledgesChange(reply)).toBe(false);
  });
});
