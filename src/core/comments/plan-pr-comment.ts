/**
 * What the evidence comment on a merged pull request says, decided from the
 * contributions the detectors wrote and the annotations people made. Pure.
 *
 * Only notable work is named (reviews at or above a depth level, other glue
 * work at or above a score; traps are not credit), and only what the
 * comment's readers may see: a public repository's comment holds nothing from
 * a private repository, a private repository's nothing from another private
 * one. People who opted out are never named — their items go, and their login
 * is taken out of every sentence that would name them; bots and the app never
 * get credit. Nothing notable → no comment (null).
 *
 * The plan holds plain data and untrusted text as it is; the renderer
 * (src/render/render-pr-comment.ts) escapes it.
 */
import type { ContributionKind, EvidenceFormula } from "../model.js";
import { isShownAnnotation } from "../report/endorsement.js";

export type CommentMode = "full" | "summary";

export interface CommentSettings {
  mode: CommentMode | "off";
  /** Other kinds than reviews are named at or above this score. */
  minScore: number;
  /** Reviews are named at or above this level. */
  reviewLevel: "light" | "substantive" | "deep";
}

/** A contribution as stored (src/store: contributions row). */
export interface CommentContribution {
  kind: string;
  personId: number;
  personLogin: string;
  repositoryId: number;
  repositoryPrivate: boolean;
  subjectUrl: string;
  subjectTitle: string;
  score: number;
  level: string | null;
  dynamics: string;
  formula: EvidenceFormula | null;
  detail: Record<string, unknown>;
}

export interface CommentAnnotation {
  kind: "note" | "claim" | "dispute" | "endorse" | "log";
  authorId: number;
  authorLogin: string;
  subjectPersonId: number;
  subjectPersonLogin: string;
  text: string;
  sourceUrl: string | null;
  repositoryId: number | null;
  repositoryPrivate: boolean;
  authorAssociation: string | null;
  createdAt: string;
}

export interface PrCommentInput {
  pullRequest: { repositoryId: number; repositoryPrivate: boolean; number: number; url: string; merged: boolean };
  contributions: readonly CommentContribution[];
  annotations: readonly CommentAnnotation[];
  /** People who opted out: by id, and every login they are known by. */
  optedOut: { ids: ReadonlySet<number>; logins: readonly string[] };
  /** Accounts that are bots (people.is_bot), the app's own included. */
  botIds: ReadonlySet<number>;
  settings: CommentSettings;
}

/** A link the renderer shows ("defect at src/a.ts:42"). */
export interface PlanLink {
  label: string;
  url: string;
}

export interface PlanItem {
  kind: ContributionKind;
  /** What to call it: "Deep review", "Flaky-test fix", … */
  title: string;
  login: string;
  /** One sentence: why it counts (may hold untrusted text, e.g. a check's name; opted-out logins removed). */
  why: string;
  /** Key findings, comments that led to a change, the issue, the proof. */
  links: PlanLink[];
  /** The flaky-test fix's CI outcome is not measurable yet: worth looking again later. */
  tooEarly: boolean;
}

export interface PlanNote {
  kind: CommentAnnotation["kind"];
  authorLogin: string;
  subjectLogin: string;
  text: string;
  url: string | null;
}

export interface PrCommentPlan {
  mode: CommentMode;
  pullRequestUrl: string;
  items: PlanItem[];
  notes: PlanNote[];
  /** Some item waits for CI to be measurable: look again later. */
  recheck: boolean;
}

/** At most this many items and notes: a comment is a summary, the report has the rest. */
export const MAX_ITEMS = 20;
export const MAX_NOTES = 10;

const LEVELS = ["rubber-stamp", "light", "substantive", "deep"];
const KIND_ORDER: readonly string[] = ["review", "flaky-fix", "runbook", "docs", "ci-config", "template", "ownership", "test", "mentoring", "co-authorship", "triage"];
const FINDINGS = new Set(["defect", "security", "performance", "design", "test-gap"]);

const CHANGE_WHAT: Record<string, { title: string; what: string }> = {
  docs: { title: "Documentation", what: "documentation" },
  runbook: { title: "Runbook", what: "a runbook / on-call guide" },
  "ci-config": { title: "CI configuration", what: "CI configuration" },
  template: { title: "Templates", what: "pull request / issue templates" },
  ownership: { title: "Code ownership", what: "code ownership (CODEOWNERS)" },
  test: { title: "Tests", what: "test code" },
};

export function planPrComment(input: PrCommentInput): PrCommentPlan | null {
  const { settings } = input;
  if (settings.mode === "off" || !input.pullRequest.merged) return null;
  const hidden = (id: number) => input.optedOut.ids.has(id) || input.botIds.has(id);
  const scrub = scrubber(input.optedOut.logins);
  // What the comment's readers may see: this repository's items, and public ones.
  const visible = (repositoryId: number | null, isPrivate: boolean) => repositoryId === input.pullRequest.repositoryId || !isPrivate;

  const items: PlanItem[] = [];
  for (const c of input.contributions) {
    if (hidden(c.personId) || !visible(c.repositoryId, c.repositoryPrivate) || c.dynamics === "trap") continue;
    const item = describe(c, settings, scrub);
    if (item) items.push(item);
  }
  if (items.length === 0) return null;
  items.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareLogins(a.login, b.login));

  const notes: PlanNote[] = input.annotations
    .filter((a) => !hidden(a.authorId) && !hidden(a.subjectPersonId) && visible(a.repositoryId, a.repositoryPrivate) && isShownAnnotation(a))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    .slice(0, MAX_NOTES)
    .map((a) => ({ kind: a.kind, authorLogin: a.authorLogin, subjectLogin: a.subjectPersonLogin, text: scrub(a.text), url: a.sourceUrl }));

  const shown = items.slice(0, MAX_ITEMS);
  return { mode: settings.mode, pullRequestUrl: input.pullRequest.url, items: shown, notes, recheck: shown.some((i) => i.tooEarly) };
}

function describe(c: CommentContribution, s: CommentSettings, scrub: (t: string) => string): PlanItem | null {
  const d = c.detail ?? {};
  const base = { kind: c.kind as ContributionKind, login: c.personLogin, tooEarly: false };
  switch (c.kind) {
    case "review": {
      if (LEVELS.indexOf(c.level ?? "") < LEVELS.indexOf(s.reviewLevel)) return null;
      const comments = Array.isArray(d["comments"]) ? (d["comments"] as Record<string, unknown>[]) : [];
      const signals = (d["signals"] ?? {}) as Record<string, unknown>;
      const findings = typeof signals["findings"] === "number" ? signals["findings"] : comments.filter((x) => FINDINGS.has(String(x["category"]))).length;
      const changed = comments.filter((x) => x["ledToChange"] === true).length;
      const parts = [findings > 0 ? plural(findings, "finding") : null, changed > 0 ? `${plural(changed, "comment")} led to a change before merge` : null, signals["verified"] === true ? "said what was verified before approving" : null].filter(
        (p): p is string => p !== null,
      );
      // Comments that led to a change first, then other findings.
      const keyed = [...comments.filter((x) => x["ledToChange"] === true), ...comments.filter((x) => x["ledToChange"] !== true && FINDINGS.has(String(x["category"])))];
      const links: PlanLink[] = [];
      for (const x of keyed) {
        if (links.length >= 3 || typeof x["url"] !== "string") continue;
        const where = typeof x["path"] === "string" ? ` at ${x["path"]}${typeof x["line"] === "number" ? `:${x["line"]}` : ""}` : "";
        links.push({ label: `${String(x["category"] ?? "comment").replace("-", " ")}${where}${x["ledToChange"] === true ? " (led to a change)" : ""}`, url: x["url"] });
      }
      const level = c.level ?? "substantive";
      return {
        ...base,
        title: `${capital(level)} review`,
        why: `A ${level} review (score ${Math.round(c.score)}/100)${parts.length ? `: ${joinAnd(parts)}` : ""}.`,
        links,
      };
    }
    case "flaky-fix": {
      if (c.score < s.minScore) return null;
      const outcome = (d["outcome"] ?? null) as { status?: unknown; sentence?: unknown } | null;
      const status = typeof outcome?.status === "string" ? outcome.status : "not-measurable";
      const check = typeof d["check"] === "string" && d["check"] ? ` (check “${d["check"]}”)` : "";
      const result =
        status === "too-early"
          ? "too early to tell: not enough CI runs since the merge to compare failure rates yet"
          : typeof outcome?.sentence === "string" && outcome.sentence
            ? outcome.sentence.replace(/\.$/, "").replace(/^([A-Z])(?=[a-z ])/, (c) => c.toLowerCase())
            : "the CI outcome is not measurable: no check is known to have flipped before the fix";
      return { ...base, title: "Flaky-test fix", why: scrub(`Fixed the cause of a flaky test${check}; CI evidence: ${result}.`), links: [], tooEarly: status === "too-early" };
    }
    case "docs":
    case "runbook":
    case "ci-config":
    case "template":
    case "ownership":
    case "test": {
      if (c.score < s.minScore) return null;
      const w = CHANGE_WHAT[c.kind]!;
      const lines = typeof d["lines"] === "number" ? d["lines"] : null;
      const share = typeof d["share"] === "number" ? Math.round(d["share"] * 100) : null;
      const size = lines !== null ? `: ${plural(lines, "line")}${share !== null ? ` (${share}% of the change)` : ""}` : "";
      const lasting = c.dynamics === "compounding" ? " — written once, it keeps helping" : "";
      return { ...base, title: w.title, why: `Changed ${w.what}${size}${lasting}.`, links: [] };
    }
    case "mentoring": {
      if (c.score < s.minScore) return null;
      const did: string[] = [];
      if (typeof d["reviewLevel"] === "string") did.push(`a ${d["reviewLevel"]} review`);
      if (typeof d["explanations"] === "number" && d["explanations"] > 0) did.push(plural(d["explanations"], "explanation"));
      if (typeof d["threadsWithNewcomer"] === "number" && d["threadsWithNewcomer"] > 0) did.push(`${plural(d["threadsWithNewcomer"], "thread")} talked through`);
      return { ...base, title: "Mentoring", why: `Helped a newcomer to the repository land this change${did.length ? `: ${joinAnd(did)}` : ""}.`, links: [] };
    }
    case "co-authorship": {
      if (c.score < s.minScore) return null;
      const n = Array.isArray(d["commits"]) ? d["commits"].length : null;
      const total = typeof d["totalCommits"] === "number" ? d["totalCommits"] : null;
      return { ...base, title: "Pairing", why: `Paired on this change${n !== null && total !== null ? ` (${n} of ${plural(total, "commit")} co-authored)` : ""}.`, links: [] };
    }
    case "triage": {
      if (c.score < s.minScore) return null;
      const actions = Array.isArray(d["actions"]) ? (d["actions"] as unknown[]).filter((a): a is string => typeof a === "string").slice(0, 3) : [];
      const before = d["clarifiedBeforeWork"] === true ? " before the work started" : "";
      return {
        ...base,
        title: "Issue clarification",
        why: scrub(`Clarified the issue this pull request closes${before}${actions.length ? `: ${joinAnd(actions)}` : ""}.`),
        links: [{ label: "the issue", url: c.subjectUrl }],
      };
    }
    default:
      return null;
  }
}

/** Replaces every whole-word occurrence of the given logins (with or without @). */
export function scrubber(logins: readonly string[]): (text: string) => string {
  const words = logins.filter((l) => /^[A-Za-z0-9-]{1,39}$/.test(l)).map((l) => l.replace(/-/g, "\\-"));
  if (!words.length) return (t) => t;
  const re = new RegExp(`@?(?<![A-Za-z0-9-])(?:${words.join("|")})(?![A-Za-z0-9-])`, "gi");
  return (t) => t.replace(re, "someone who opted out");
}

function compareLogins(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function joinAnd(list: readonly string[]): string {
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}
