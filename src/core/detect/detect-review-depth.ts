/**
 * Review depth on a pull request: one contribution per reviewer (not the
 * author, not a bot or AI reviewer, not opted out), aggregating that
 * reviewer's reviews and inline comments, scored by scoreReview.
 */
import type { Contribution, PersonRef, ProofItem, ReviewLevel } from "../model.js";
import type { PullRequestBundle, ReviewCommentFact, ReviewFact } from "../facts.js";
import type { CompiledConfig } from "./compile-config.js";
import { exclusionOf } from "./compile-config.js";
import { acknowledgesChange } from "./categorize-comment.js";
import { contribution, identified, prLabel, prProof, pullRequestSubject } from "./contribution.js";
import { scoreReview, type ReviewCommentInput, type ReviewInput, type ReviewScore } from "./score-review.js";
import { plural } from "./text.js";

/** One reviewer's activity on the pull request, gathered. */
export interface ReviewerActivity {
  person: PersonRef & { id: number };
  reviews: ReviewFact[];
  comments: ReviewCommentFact[];
  input: ReviewInput;
  score: ReviewScore;
  /** URLs of the input comments, index-aligned with input.comments. */
  commentUrls: (string | null)[];
}

const STATE_RANK: Record<string, number> = { CHANGES_REQUESTED: 4, APPROVED: 3, COMMENTED: 2, DISMISSED: 1 };

function strongestState(reviews: readonly ReviewFact[]): string {
  let best = "COMMENTED";
  let rank = 0;
  for (const r of reviews) {
    const k = (r.state ?? "").toUpperCase();
    const rk = STATE_RANK[k] ?? 0;
    if (rk > rank) {
      rank = rk;
      best = k;
    }
  }
  return best;
}

/** Gathers each eligible reviewer's reviews and comments and scores them. */
export function gatherReviewers(bundle: PullRequestBundle, c: CompiledConfig, docsOnly: boolean): ReviewerActivity[] {
  const pr = bundle.pullRequest;
  const author = pr.author;
  const people = new Map<number, { person: PersonRef & { id: number }; reviews: ReviewFact[]; comments: ReviewCommentFact[] }>();
  const eligible = (p: PersonRef): (PersonRef & { id: number }) | null => {
    const person = identified(p);
    if (!person) return null;
    if (author.id !== null && person.id === author.id) return null;
    if (exclusionOf(c, person.login, person.isBot, author.login) !== null) return null;
    return person;
  };
  for (const r of bundle.reviews) {
    const person = eligible(r.reviewer);
    if (!person) continue;
    let e = people.get(person.id);
    if (!e) people.set(person.id, (e = { person, reviews: [], comments: [] }));
    e.reviews.push(r);
  }
  for (const cm of bundle.reviewComments) {
    const person = eligible(cm.author);
    if (!person) continue;
    let e = people.get(person.id);
    if (!e) people.set(person.id, (e = { person, reviews: [], comments: [] }));
    e.comments.push(cm);
  }

  // Threads: root comment id → replies (in time order).
  const replies = new Map<number, ReviewCommentFact[]>();
  for (const cm of bundle.reviewComments) {
    if (cm.inReplyToId === null) continue;
    let list = replies.get(cm.inReplyToId);
    if (!list) replies.set(cm.inReplyToId, (list = []));
    list.push(cm);
  }

  const rootAuthorOf = new Map<number, number | null>();
  for (const cm of bundle.reviewComments) if (cm.inReplyToId === null) rootAuthorOf.set(cm.id, cm.author.id);

  const openedAt = Date.parse(pr.createdAt);
  const history = (id: number) => bundle.histories[String(id)];
  const out: ReviewerActivity[] = [];
  for (const e of people.values()) {
    e.reviews.sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
    e.comments.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const comments: ReviewCommentInput[] = [];
    const urls: (string | null)[] = [];
    for (const cm of e.comments) {
      const isRoot = cm.inReplyToId === null;
      const thread = isRoot ? (replies.get(cm.id) ?? []) : [];
      const fromOthers = thread.filter((r) => r.author.id !== e.person.id);
      const ack = isRoot
        ? fromOthers.find((r) => (author.id !== null ? r.author.id === author.id : r.author.login === author.login) && acknowledgesChange(r.body))
        : undefined;
      const outdated = isRoot && cm.outdated === true;
      const led = outdated || ack !== undefined;
      let changeEvidence: string | null = null;
      if (outdated && ack) changeEvidence = `the code under it changed afterwards, and the author replied ${shortQuote(ack.body)}`;
      else if (outdated) changeEvidence = "the code under it changed afterwards";
      else if (ack) changeEvidence = `the author replied ${shortQuote(ack.body)}`;
      // A reply in a thread the reviewer did not start is discussion, not their finding.
      const ownThread = isRoot || rootAuthorOf.get(cm.inReplyToId ?? -1) === e.person.id;
      comments.push({
        path: cm.path,
        line: cm.line,
        body: cm.body,
        ledToChange: isRoot ? led : null,
        changeEvidence,
        replies: fromOthers.length,
        url: cm.htmlUrl,
        isReply: !ownThread,
      });
      urls.push(cm.htmlUrl);
    }
    // Review bodies: the last one is the review's summary; earlier ones count as general comments.
    const bodies = e.reviews.filter((r) => typeof r.body === "string" && r.body.trim().length > 0);
    const last = bodies.length > 0 ? bodies[bodies.length - 1]! : null;
    for (const r of bodies) {
      if (r === last) continue;
      comments.push({ path: null, line: null, body: r.body, ledToChange: null, replies: 0, url: r.htmlUrl });
      urls.push(r.htmlUrl);
    }
    const first = e.reviews[0];
    const firstAt = first ? Date.parse(first.submittedAt) : NaN;
    const input: ReviewInput = {
      state: strongestState(e.reviews),
      body: last?.body ?? "",
      reviewer: e.person.login,
      author: author.login,
      reviewerIsBot: e.person.isBot,
      reviewerPriorChangesToSamePaths: history(e.person.id)?.priorChangesToSamePaths ?? null,
      submittedSecondsAfterOpen: Number.isFinite(firstAt) && Number.isFinite(openedAt) && firstAt >= openedAt ? (firstAt - openedAt) / 1000 : null,
      pr: {
        title: pr.title,
        additions: pr.additions,
        deletions: pr.deletions,
        changedFiles: pr.changedFiles,
        authorAssociation: pr.authorAssociation,
        docsOnly,
      },
      comments,
    };
    out.push({ person: e.person, reviews: e.reviews, comments: e.comments, input, score: scoreReview(input, c.config), commentUrls: urls });
  }
  out.sort((a, b) => a.person.id - b.person.id);
  return out;
}

function shortQuote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return `“${t.length > 60 ? `${t.slice(0, 59)}…` : t}”`;
}

/** "2 findings; 2 comments led to a change", "1 comment led to a change", "no findings". */
function whatTheReviewDid(findings: number, changed: number, verified: boolean): string {
  const parts: string[] = [];
  if (findings > 0) parts.push(plural(findings, "finding"));
  if (changed > 0) parts.push(`${plural(changed, "comment")} led to a change`);
  if (verified) parts.push("said what was verified before approving");
  return parts.length > 0 ? parts.join("; ") : "no findings";
}

const LEVEL_WORDS: Record<ReviewLevel, string> = {
  "rubber-stamp": "rubber stamp, no visible depth",
  light: "light",
  substantive: "substantive",
  deep: "deep",
};

export function reviewContributions(bundle: PullRequestBundle, reviewers: readonly ReviewerActivity[], newcomer: boolean): Contribution[] {
  const pr = bundle.pullRequest;
  const subject = pullRequestSubject(bundle);
  const out: Contribution[] = [];
  for (const r of reviewers) {
    const s = r.score;
    if (s.level === null) continue;
    const lastAt = [...r.reviews.map((x) => x.submittedAt), ...r.comments.map((x) => x.createdAt)].sort((a, b) => Date.parse(a) - Date.parse(b)).pop() ?? pr.createdAt;
    const lines = pr.additions + pr.deletions;
    const changed = s.ledToChange.length;
    const findings = s.signals.findings;
    const proof: ProofItem[] = [prProof(bundle)];
    for (const rv of r.reviews.slice(0, 3)) proof.push({ label: `Review by ${r.person.login} (${rv.state.toLowerCase().replace("_", " ")})`, url: rv.htmlUrl });
    for (const i of s.ledToChange.slice(0, 5)) {
      const url = r.commentUrls[i];
      const cm = r.input.comments?.[i];
      if (url) proof.push({ label: `Comment that led to a change${cm?.path ? ` (${cm.path}${typeof cm.line === "number" ? `:${cm.line}` : ""})` : ""}`, url });
    }
    const improvement =
      changed > 0
        ? `${plural(changed, "review comment")} led to a change before merge${pr.merged ? "" : " (not merged yet)"}.`
        : s.level === "rubber-stamp"
          ? "None visible: the review shows no sign of what was checked."
          : findings > 0
            ? "No change is traceable to the review comments (none is marked outdated or acknowledged by the author) — not measurable from what GitHub recorded."
            : "Not measurable: no finding to follow up.";
    out.push(
      contribution({
        key: `review:${pr.id}:${r.person.id}`,
        kind: "review",
        person: r.person,
        subject,
        occurredAt: lastAt,
        score: s.score,
        confidence: 0.9,
        level: s.level,
        // A review helps one change land; what compounds (teaching a newcomer) is credited as mentoring.
        dynamics: "neutral",
        evidence: [`Review of ${prLabel(bundle)} “${pr.title}” by ${pr.author.login}: ${LEVEL_WORDS[s.level]}, score ${s.score}/100.`, ...s.evidence],
        formula: {
          friction: `${prLabel(bundle)} changed ${plural(lines, "line")} in ${plural(pr.changedFiles, "file")}${newcomer ? ", written by a newcomer to the repository," : ""} and needed review before it could merge.`,
          change: `${r.person.login} reviewed it (${LEVEL_WORDS[s.level]}): ${whatTheReviewDid(findings, changed, s.signals.verified)}.`,
          improvement,
          beneficiaries: [pr.author.login],
          proof,
        },
        detail: {
          comments: s.comments.map((x, i) => ({ ...x, url: r.commentUrls[i] ?? null, path: r.input.comments?.[i]?.path ?? null, line: r.input.comments?.[i]?.line ?? null })),
          body: s.body,
          signals: s.signals,
          reviewIds: r.reviews.map((x) => x.id),
        },
        detector: "review-depth",
      }),
    );
  }
  return out;
}
