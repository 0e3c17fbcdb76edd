/**
 * What a reader should find in the reports generated from the sample
 * organisation: who did which glue work, which traps exist, and what must be
 * filtered out. The demo prints these lines next to the reports.
 */
import type { EmitFacts } from "./emit-deliveries.js";

export function buildStory(facts: EmitFacts): string[] {
  const ref = (key: string) => {
    const n = facts.numbers.get(key);
    if (!n) throw new Error(`story: unknown subject ${key}`);
    const repo = n.url.split("/")[4] ?? "";
    return `${repo}#${n.number}`;
  };
  const f = facts.flaky;
  const pct = (a: number, b: number) => (b === 0 ? "0%" : `${((100 * a) / b).toFixed(1)}%`);
  return [
    "Acme Robotics (acme-robotics), quarter 2026Q3 (2026-07-01 – 2026-09-30), with June 2026 as the baseline. Repositories: fleet-api, web-console, docs (public) and payments-core (private).",
    `Deep reviews — maya-okafor caught a missing transaction / double-refund race in ${ref("d1")} and a heartbeat read-modify-write race in ${ref("d2")}; devraj-patel caught SQL injection through ORDER BY in ${ref("d3")} and CSV formula injection in ${ref("d6")}; rafael-moreno caught two pagination off-by-ones in ${ref("d4")} and an idempotency check-then-act race in ${ref("d5")}. Every one led to a fix commit: the threads are outdated and resolved.`,
    `Verified approval — rafael-moreno ran the index migration of ${ref("v1")} against a production snapshot before approving ("4 s, no locks taken").`,
    `Rubber stamps (must not score as reviews) — kwame-asante approved ${ref("r1")}, ${ref("r2")}, ${ref("r3")} and ${ref("r4")} (1,000–2,300 changed lines each) within 1–2 minutes, with no comments. He disputes the first one with /unsung dispute.`,
    `Padded reviews (a gaming attempt that must not win) — tomas-herrera left 10–15 nits ("nit: trailing whitespace", "typo") on about a dozen pull requests (including ${ref("d3")} and ${ref("d6")}) and "LGTM!" approvals on dozens more; almost none of his comments led to a change.`,
    `Flaky-test fix — devraj-patel's ${ref("ff")} ("Deflake OrderSyncTest", test-only, merged ${f.fixMergedAt}) closes the tracking issue ${ref("fi")}. The fleet-api "ci" workflow and "test" check on main failed and passed on rerun of the same commit in ${f.flakyBefore} of ${f.mainRunsBefore} runs before the fix (${pct(f.flakyBefore, f.mainRunsBefore)}) and ${f.flakyAfter} of ${f.mainRunsAfter} after (${pct(f.flakyAfter, f.mainRunsAfter)}); in the 30 days either side of the merge that the reports measure: ${f.windowFlakyBefore} of ${f.windowRunsBefore} (${pct(f.windowFlakyBefore, f.windowRunsBefore)}) → ${f.windowFlakyAfter} of ${f.windowRunsAfter} (${pct(f.windowFlakyAfter, f.windowRunsAfter)}).`,
    `Not flaky-test fixes — oliver-grant's ${ref("fq")} only quarantines a test (test.skip + retries: a trap); hannah-becker's ${ref("fw")} is about flaky Wi-Fi reconnects in product code.`,
    `Runbooks — maya-okafor: runbooks/payments-incident.md (${ref("rb1")}); devraj-patel: docs/oncall/fleet-outage.md and escalation.md (${ref("rb2")}).`,
    `Docs — aiko-tanaka: ADR 0007 (${ref("doc1")}), the web-console README (${ref("doc2")}), the v1→v2 migration guide (${ref("doc4")}); lena-fischer: CONTRIBUTING.md (${ref("doc3")}).`,
    `CI config — devraj-patel: .github/workflows/ci.yml (${ref("ci1")}) and .github/dependabot.yml (${ref("ci2")}). Templates — sofia-lindqvist: PULL_REQUEST_TEMPLATE.md (${ref("t1")}) and ISSUE_TEMPLATE/bug.yml (${ref("t2")}). CODEOWNERS — rafael-moreno (${ref("co1")}).`,
    `Mentoring — lena-fischer reviewed the newcomers' first pull requests with explanatory comments and links (nadia-rahman: ${ref("n1")}, ${ref("n2")} with a long outbox thread; ben-carter: ${ref("b1")}, ${ref("b2")}), paired with both (Co-authored-by trailers in ${ref("n1")}, ${ref("n2")}, ${ref("b1")}, ${ref("b2")}, ${ref("l1")} and a direct push to docs), and merged their work. nadia-rahman joined 2026-08-04 and ben-carter 2026-08-18 (FIRST_TIME_CONTRIBUTOR, then CONTRIBUTOR, MEMBER from 2026-09-15).`,
    `Triage — sofia-lindqvist turned vague issues into repro steps and acceptance criteria (${ref("i1")} "checkout broken??", ${ref("i2")}, ${ref("i7")}), labelled them, gave the first useful answer, and closed ${ref("i6")} as a duplicate of ${ref("i5")}. maya-okafor did the same for ${ref("i3")} "refund stuck" in payments-core. The clarified issues were fixed without being reopened.`,
    `Recurring-question trap — jonah-whitfield answered "How do I get staging credentials?" six times (${ref("q1")} … ${ref("q6")}); the problem is not getting smaller (marcus-reed asks him to document it in ${ref("q5")}).`,
    "Co-authorship to filter — priya-raman's commits carry a Copilot co-author trailer and hannah-becker's a Claude trailer: AI co-authors, not pairing. priya-raman disputes the credit with /unsung dispute.",
    "Bots to exclude — dependabot[bot] pull requests, github-actions[bot] preview comments, and the AI reviewers copilot-pull-request-reviewer[bot] and coderabbitai[bot] (many review comments, a few even followed by changes).",
    `Engineers' own record — notes (maya on ${ref("rb1")}, devraj on ${ref("ff")}, sofia on ${ref("t1")}, lena on ${ref("n1")}, rafael on ${ref("co1")}), claims (maya on ${ref("i3")}, oliver on ${ref("i2")}, aiko on ${ref("doc4")}, jonah on ${ref("q5")}), endorsements (of maya by priya, of rafael by marcus, of sofia by hannah, of lena by nadia and ben, of devraj by oliver), logs (maya: Q3 payments incident retro; lena: weekly pairing; sofia: triage rotation; marcus: API contract review) and disputes (priya, kwame, tomas) — several in the private payments-core repository.`,
  ];
}
