/**
 * Text banks for the sample organisation: how real reviewers, bots and
 * authors write. Story-specific texts live next to their scenario.
 */
import { BOTS, P, type Person } from "./cast.js";
import type { CommentSpec, ReviewSpec } from "./spec.js";
import type { FileChange } from "./patches.js";
import type { Random } from "./prng.js";

export const APPROVAL_BODIES: readonly (string | null)[] = [
  null,
  null,
  "LGTM",
  "Looks good 👍",
  "Thanks, this reads much clearer now.",
  "Nice, ship it.",
  "👍",
  "Looks right to me. Thanks for adding the test.",
  "Approving — happy with this.",
];

/** A question and the author's answer; nothing changes in the code. */
export const LIGHT_QUESTIONS: readonly (readonly [string, string])[] = [
  ["Is the 30 s timeout intentional? The load balancer's idle timeout is 60 s.", "Yes — we want to fail before the LB does so the client gets a JSON error instead of an HTML 504."],
  ["Do we need a feature flag for this, or is it safe to ship dark?", "It's additive and the console ignores unknown fields, so no flag needed."],
  ["Should this log at warn rather than info?", "Info on purpose: it fires on every reconnect, so warn would page the on-call."],
  ["Any reason not to reuse the helper in `src/lib` here?", "That one throws on legacy ids and this path still sees them, so I left it as is."],
  ["Does this need a changelog entry?", "Internal only, so no."],
  ["What happens if the list is empty here?", "We return early two lines above, so it can't be empty at this point."],
  ["Is this covered by the existing integration test?", "Yes — `lists robots by fleet` goes through this path."],
  ["Will this change the response for existing API clients?", "No, the field is optional and defaults to null."],
  ["Curious why `Map` instead of a plain object here?", "The keys come off the wire, and a Map avoids the `__proto__` footgun."],
  ["Do we know how often this path runs in prod?", "About 40 req/s at peak per the Grafana board, so the extra query is fine."],
  ["Why `structuredClone` rather than spreading?", "The object has nested arrays we mutate later; a shallow copy bit us in the mission planner."],
  ["Is the order of these two calls important?", "Not really, they're independent. I kept the order of the old code."],
];

/** A finding the author fixes (the comment's code changes afterwards), with the author's reply. */
export const SUBSTANTIVE_FINDINGS: readonly (readonly [string, string])[] = [
  [
    "This misses the case where the value is null — robots registered before 2024 don't have it, and we'd throw here. Can we default or skip them?",
    "Good catch, handled null and added a test with a legacy robot.",
  ],
  [
    "No test covers the error branch. Could you add one where the client rejects? That's the path that matters on call.",
    "Added a test for the rejection path.",
  ],
  [
    "This runs one query per item in the loop (N+1). For a fleet of 300 robots that's 300 round trips; `WHERE id = ANY($1)` does it in one.",
    "Switched to a single `ANY()` query.",
  ],
  [
    "The error is caught and swallowed here, so failures become silent 200s. Let it propagate, or at least log it with the request id.",
    "Now rethrows after logging with the request id.",
  ],
  [
    "This compares timestamps as strings; it works until a timestamp without milliseconds shows up. Compare `Date` values instead.",
    "Parsed to Date before comparing, thanks.",
  ],
  [
    "`parseInt` without a NaN check — `?limit=abc` becomes NaN and Postgres errors out. The zod schema's `coerce.number().int().min(1).max(100)` handles it.",
    "Moved it into the schema.",
  ],
  [
    "If this throws halfway, the first update is already committed. Should both writes be in one transaction?",
    "Yes — wrapped both in `db.transaction`.",
  ],
];

export const NITS: readonly string[] = [
  "nit: trailing whitespace",
  "nit: trailing whitespace here too",
  "typo: `recieve` → `receive`",
  "nit: rename `res` to `response`",
  "nit: rename `data` to something more descriptive",
  "nit: prefer `const`",
  "nit: missing newline at end of file",
  "nit: extra blank line",
  "nit: could use optional chaining here",
  "nit: sort imports",
  "nit: I'd inline this variable",
  "nit: template literal?",
  "nit: double quotes",
  "nit: this comment could be clearer",
  "typo in comment",
  "nit: early return would read nicer",
  "nit: rename var",
  "nit: spacing",
];

export const TOMAS_PRAISE: readonly string[] = ["LGTM! 🚀", "LGTM! Great work 🎉", "LGTM!", "LGTM! Nice one 💯", "LGTM! 🙌"];

export function nitReview(rng: Random, atMin: number, files: FileChange[]): ReviewSpec[] {
  const candidates = files.filter((f) => f.status !== "removed");
  const comments: CommentSpec[] = rng.sample(NITS, rng.int(10, 15)).map((body) => ({ path: rng.pick(candidates).path, body, outcome: "kept" as const }));
  return [
    { by: P.tomas, atMin, state: "commented", body: "Left a few nits, otherwise LGTM!", comments },
    { by: P.tomas, atMin: atMin + rng.int(2, 6), state: "approved", body: rng.pick(TOMAS_PRAISE) },
  ];
}

const COPILOT_COMMENTS: readonly string[] = [
  "[nitpick] Consider extracting this magic number into a named constant to improve readability.",
  "This function does not handle the case where the input is `undefined`, which could lead to a runtime error. Consider adding a guard clause.",
  "The error message could include the identifier to make debugging easier.",
  "Consider adding a unit test that covers the empty-input scenario.",
  "[nitpick] The variable name could be more descriptive to better convey its purpose.",
  "Using `await` inside a loop runs the requests sequentially; consider `Promise.all` if the order does not matter.",
  "This condition appears to be always true given the check above; consider simplifying it.",
  "Consider logging the caught error before rethrowing to preserve context.",
];

export function copilotReview(rng: Random, atMin: number, summary: string, files: FileChange[], fixedShare = 0.15): ReviewSpec {
  const candidates = files.filter((f) => f.status !== "removed");
  const n = rng.int(2, 6);
  const comments: CommentSpec[] = rng
    .sample(COPILOT_COMMENTS, n)
    .map((body) => ({ path: rng.pick(candidates).path, body, outcome: rng.chance(fixedShare) ? ("fixed" as const) : ("kept" as const) }));
  const table = files.map((f) => `| ${f.path} | ${f.status === "added" ? "New file" : "Updated"} |`).join("\n");
  return {
    by: BOTS.copilot,
    atMin,
    state: "commented",
    body:
      `## Pull Request Overview\n\n${summary}\n\n### Reviewed Changes\n\nCopilot reviewed ${files.length} out of ${files.length} changed files in this pull request and generated ${n} comments.\n\n` +
      `<details>\n<summary>Show a summary per file</summary>\n\n| File | Description |\n| ---- | ----------- |\n${table}\n</details>`,
    comments,
  };
}

const CODERABBIT_COMMENTS: readonly string[] = [
  "_⚠️ Potential issue_\n\n**Missing null check.**\n\nThe value may be undefined while the query is still loading; accessing its properties will throw.",
  "_🛠️ Refactor suggestion_\n\n**Extract the inline style into the CSS module** for consistency with the rest of the codebase.",
  "_🧹 Nitpick (assertive)_\n\n**Consider memoizing this callback** with `useCallback` to avoid unnecessary re-renders.",
  "_⚠️ Potential issue_\n\n**Unhandled promise rejection.**\n\nAdd a `.catch` or wrap the call in `try/catch` so failures surface in the error boundary.",
  "_🧹 Nitpick (assertive)_\n\n**Prefer a semantic `<button>`** over a clickable `<div>` for accessibility.",
];

export function coderabbitReview(rng: Random, atMin: number, files: FileChange[]): ReviewSpec {
  const candidates = files.filter((f) => f.status !== "removed");
  const n = rng.int(2, 5);
  const comments: CommentSpec[] = rng
    .sample(CODERABBIT_COMMENTS, n)
    .map((body) => ({ path: rng.pick(candidates).path, body, outcome: rng.chance(0.2) ? ("fixed" as const) : ("kept" as const) }));
  return {
    by: BOTS.coderabbit,
    atMin,
    state: "commented",
    body: `**Actionable comments posted: ${n}**\n\n<details>\n<summary>📜 Review details</summary>\n\n**Configuration used: CodeRabbit UI**\n**Review profile: CHILL**\n</details>`,
    comments,
  };
}

export function coderabbitWalkthrough(title: string, files: FileChange[]): string {
  const rows = files.map((f) => `| \`${f.path}\` | ${f.status === "added" ? "Added" : "Updated"} as part of: ${title}. |`).join("\n");
  return (
    "<!-- This is an auto-generated comment: summarize by coderabbit.ai -->\n" +
    "## Walkthrough\n\n" +
    `This change ${title.charAt(0).toLowerCase()}${title.slice(1)}.\n\n` +
    "## Changes\n\n| File(s) | Change Summary |\n| --- | --- |\n" +
    rows +
    "\n\n## Poem\n\n> A rabbit hops through lines of code,\n> and lightens every reviewer's load. 🐇\n\n" +
    "<!-- end of auto-generated comment: summarize by coderabbit.ai -->"
  );
}

export function previewComment(prNumberKey: string): string {
  return (
    "### 🚀 Preview deployed\n\n" +
    `| Name | Link |\n|---|---|\n| Preview | https://pr-{{num:${prNumberKey}}}.console-preview.acme-robotics.dev |\n| Build | ✅ succeeded |\n\n` +
    "<sub>Deployed by the `preview` workflow. Previews are deleted 7 days after the pull request closes.</sub>"
  );
}

/** Jonah's answer to the recurring staging-credentials question, in slightly different words each time. */
export function stagingAnswer(variant: number): string {
  const intro = [
    "You need to be in the `staging-readers` Okta group — ask in #it-help with your manager cc'd. Then:",
    "Same as last time: request the `staging-readers` group in Okta (#it-help, manager cc'd), then",
    "It's the Okta group `staging-readers` (ask #it-help). Once you're in:",
    "You'll need `staging-readers` in Okta first — #it-help can add you. After that:",
  ];
  return (
    `${intro[variant % intro.length]}\n\n` +
    "```\nvault login -method=oidc role=staging\nvault read database/creds/fleet-api-staging\n```\n\n" +
    "The creds last 8 h; rerun the `vault read` when they expire."
  );
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  return rng.pick(items);
}

export type { Person };
