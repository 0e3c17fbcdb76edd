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

describe("categorizeComment: findings written the way reviewers write them", () => {
  // Each of these is a real defect a review caught and the author fixed; none uses "bug" or "race condition".
  it.each([
    ["These writes aren't in a transaction. If the ledger post fails, the refund is already marked refunded with no ledger entry.", "defect"],
    ["There's also a race: two partial refunds can both read the sum before either inserts, and together refund more than was captured.", "defect"],
    ["This is a read-modify-write race: two calls can both GET the old value, and whichever SET lands last wins.", "defect"],
    ["Check-then-act: the retry arrives while the first attempt is still running, so both miss the SELECT and we pay out twice.", "defect"],
    ["ON CONFLICT needs a unique index on (merchant_id, key), which this migration doesn't create yet.", "defect"],
    ["The length check can't tell 'exactly limit rows left' from 'more rows exist', so the next cursor leads to an empty page.", "defect"],
    ["Should the TTL come from the offline threshold instead of a literal 300? If someone tunes it, the cache would silently disagree with it.", "defect"],
    ["The error is caught and swallowed here, so failures become silent 200s.", "defect"],
    ["This compares timestamps as strings; it works until a timestamp without milliseconds shows up.", "defect"],
    ["If this throws halfway, the first update is already committed. Should both writes be in one transaction?", "defect"],
    ["Polling every second × every open console tab adds up: ops keeps ~40 tabs open, that's 40 req/s for one widget.", "performance"],
  ] as [string, CommentCategory][])("%s → %s", (body, category) => {
    expect(categorizeComment(body)).toMatchObject({ category, recognised: true });
  });

  it("mentioning a cache is not a performance finding; suggesting one is", () => {
    expect(categorizeComment("Drive-by from payments: we hit exactly this pattern in the ledger cache last year. One blocker inline.").category).not.toBe("performance");
    expect(categorizeComment("We look this up on every request; could we cache the result per tenant?").category).toBe("performance");
  });

  it("an explanation is recognised whatever the category: a defect pointed out in a way that teaches", () => {
    const teach =
      "Publishing after the DB write loses the event if the process dies in between. We solve it with the transactional outbox in the same transaction: https://microservices.io/patterns/data/transactional-outbox.html";
    expect(categorizeComment(teach)).toMatchObject({ category: "defect", explains: true });
    expect(categorizeComment("nit: trailing whitespace").explains).toBe(false);
    expect(categorizeComment("See the docs").explains).toBe(false);
  });
});
