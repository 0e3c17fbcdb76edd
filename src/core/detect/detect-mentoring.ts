/**
 * Mentoring on a pull request by a newcomer (first-time contributor, or fewer
 * than N merged pull requests in the repository): substantive reviews,
 * explanatory comments and threads the newcomer took part in, and commits
 * pushed to help the pull request land. Approvals, nits and praise alone are
 * not mentoring.
 */
import type { Contribution, PersonRef, ProofItem } from "../model.js";
import type { PullRequestBundle } from "../facts.js";
import { categorizeComment } from "./categorize-comment.js";
import { exclusionOf, type CompiledConfig } from "./compile-config.js";
import { contribution, identified, prLabel, prProof, pullRequestSubject } from "./contribution.js";
import type { ReviewerActivity } from "./detect-review-depth.js";
import { humanDuration, plural } from "./text.js";

const FIRST_TIME = new Set(["FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER"]);

export interface NewcomerStatus {
  newcomer: boolean;
  /** Why, in words; null when not a newcomer. */
  reason: string | null;
}

/** Whether the pull request's author is new to the repository. */
export function newcomerStatus(bundle: PullRequestBundle, c: CompiledConfig): NewcomerStatus {
  const pr = bundle.pullRequest;
  const author = pr.author;
  if (author.isBot || exclusionOf(c, author.login, author.isBot) === "bot" || exclusionOf(c, author.login, author.isBot) === "ai-reviewer") {
    return { newcomer: false, reason: null };
  }
  const h = author.id !== null ? bundle.histories[String(author.id)] : undefined;
  const threshold = c.config.windows.newcomerMergedPullRequests;
  const firstTimer = FIRST_TIME.has(pr.authorAssociation.toUpperCase());
  if (h && h.mergedPullRequestsBefore < threshold && !firstTimer && ESTABLISHED.has(pr.authorAssociation.toUpperCase()) && activeSinceRecordsBegin(bundle, h)) {
    // A member whose first recorded activity is as old as anyone's: the history is short because
    // the records are (e.g. the app was installed recently), not because they are new.
    return { newcomer: false, reason: null };
  }
  if (h && h.mergedPullRequestsBefore < threshold) {
    return {
      newcomer: true,
      reason:
        h.mergedPullRequestsBefore === 0
          ? `${author.login} had no merged pull request in ${bundle.repository.fullName} before this one.`
          : `${author.login} had only ${plural(h.mergedPullRequestsBefore, "merged pull request")} in ${bundle.repository.fullName} before this one.`,
    };
  }
  if (!h && firstTimer) {
    return { newcomer: true, reason: `GitHub marks ${author.login} as a first-time contributor to ${bundle.repository.fullName}.` };
  }
  return { newcomer: false, reason: null };
}

/** Associations that say nothing about how new someone is (an organisation member can join today). */
const ESTABLISHED = new Set(["MEMBER", "OWNER", "COLLABORATOR"]);
/** First seen within this many days of the earliest record in the repository: as old as the records. */
const RECORDS_BEGIN_SLACK_DAYS = 14;

/**
 * True when the person was already active when the repository's records begin: their first
 * recorded activity is within a fortnight of the earliest first activity of anyone else on the
 * pull request. Unknown (false) when nobody else's first activity is known.
 */
function activeSinceRecordsBegin(bundle: PullRequestBundle, h: PullRequestBundle["histories"][string]): boolean {
  if (!h.firstSeenAt) return false;
  const own = Date.parse(h.firstSeenAt);
  let earliest = Infinity;
  for (const [id, other] of Object.entries(bundle.histories)) {
    if (other === h || id === String(bundle.pullRequest.author.id) || !other.firstSeenAt) continue;
    const t = Date.parse(other.firstSeenAt);
    if (Number.isFinite(t) && t < earliest) earliest = t;
  }
  if (!Number.isFinite(own) || !Number.isFinite(earliest)) return false;
  return own - earliest <= RECORDS_BEGIN_SLACK_DAYS * 86_400_000;
}

interface MentorSignals {
  person: PersonRef & { id: number };
  reviewLevel: string | null;
  explanations: number;
  explanationUrls: string[];
  threadsWithNewcomer: number;
  commits: number;
  merged: boolean;
  lastAt: string;
}

export function mentoringContributions(
  bundle: PullRequestBundle,
  c: CompiledConfig,
  reviewers: readonly ReviewerActivity[],
  status: NewcomerStatus,
): Contribution[] {
  if (!status.newcomer) return [];
  const pr = bundle.pullRequest;
  const author = pr.author;
  const isAuthor = (p: PersonRef): boolean => (author.id !== null ? p.id === author.id : p.login === author.login);
  const signals = new Map<number, MentorSignals>();
  const get = (p: PersonRef, at: string): MentorSignals | null => {
    const person = identified(p);
    if (!person || isAuthor(person)) return null;
    if (exclusionOf(c, person.login, person.isBot, author.login) !== null) return null;
    let s = signals.get(person.id);
    if (!s) signals.set(person.id, (s = { person, reviewLevel: null, explanations: 0, explanationUrls: [], threadsWithNewcomer: 0, commits: 0, merged: false, lastAt: at }));
    if (Date.parse(at) > Date.parse(s.lastAt)) s.lastAt = at;
    return s;
  };

  for (const r of reviewers) {
    const last = r.reviews[r.reviews.length - 1]?.submittedAt ?? r.comments[r.comments.length - 1]?.createdAt ?? pr.createdAt;
    const s = get(r.person, last);
    if (!s) continue;
    s.reviewLevel = r.score.level;
    r.score.comments.forEach((sc, i) => {
      if (sc.explains && !sc.duplicate) {
        s.explanations++;
        const url = r.commentUrls[i];
        if (url) s.explanationUrls.push(url);
      }
    });
  }
  // Threads the newcomer answered: the mentor's root comment with a reply by the author.
  const rootAuthor = new Map<number, PersonRef>();
  for (const cm of bundle.reviewComments) if (cm.inReplyToId === null) rootAuthor.set(cm.id, cm.author);
  const counted = new Set<string>();
  for (const cm of bundle.reviewComments) {
    if (cm.inReplyToId === null || !isAuthor(cm.author)) continue;
    const root = rootAuthor.get(cm.inReplyToId);
    if (!root || root.id === null) continue;
    const k = `${root.id}:${cm.inReplyToId}`;
    if (counted.has(k)) continue;
    const s = signals.get(root.id);
    if (!s) continue;
    counted.add(k);
    s.threadsWithNewcomer++;
  }
  // Explanations in the conversation tab.
  for (const ic of bundle.issueComments) {
    if (isAuthor(ic.author)) continue;
    const cat = categorizeComment(ic.body);
    if (!cat.explains) continue;
    const s = get(ic.author, ic.createdAt);
    if (!s) continue;
    s.explanations++;
    s.explanationUrls.push(ic.htmlUrl);
  }
  // Commits pushed to the newcomer's branch.
  for (const cm of bundle.commits) {
    if (!cm.author || isAuthor(cm.author)) continue;
    const s = get(cm.author, cm.authoredAt);
    if (s) s.commits++;
  }
  if (pr.merged && pr.mergedBy) {
    const person = identified(pr.mergedBy);
    const s = person ? signals.get(person.id) : undefined;
    if (s) s.merged = true;
  }

  const subject = pullRequestSubject(bundle);
  const out: Contribution[] = [];
  const ordered = [...signals.values()].sort((a, b) => a.person.id - b.person.id);
  for (const s of ordered) {
    const substantiveReview = s.reviewLevel === "substantive" || s.reviewLevel === "deep";
    if (!substantiveReview && s.explanations === 0 && s.commits === 0) continue;
    const evidence: string[] = [status.reason ?? `${author.login} is new to the repository.`];
    const did: string[] = [];
    let score = 0;
    if (substantiveReview) {
      score += s.reviewLevel === "deep" ? 45 : 30;
      evidence.push(`${s.person.login} gave the newcomer's pull request a ${s.reviewLevel} review.`);
      did.push(`a ${s.reviewLevel} review`);
    }
    if (s.explanations > 0) {
      score += Math.min(30, 15 * s.explanations);
      evidence.push(`${s.person.login} wrote ${plural(s.explanations, "explanatory comment")} (context, the reasons behind conventions, pointers to docs).`);
      did.push(plural(s.explanations, "explanation"));
    }
    if (s.threadsWithNewcomer > 0) {
      score += Math.min(20, 10 * s.threadsWithNewcomer);
      evidence.push(`${plural(s.threadsWithNewcomer, "review thread")} became a conversation with the newcomer.`);
      did.push(`${plural(s.threadsWithNewcomer, "review thread")} talked through with them`);
    }
    if (s.commits > 0) {
      score += 15;
      evidence.push(`${s.person.login} pushed ${plural(s.commits, "commit")} to the newcomer's branch to help it land.`);
      did.push(`${plural(s.commits, "commit")} pushed to their branch`);
    }
    if (s.merged) {
      score += 10;
      evidence.push(`${s.person.login} merged it.`);
      did.push("the merge");
    }
    const openedToMerged = pr.merged && pr.mergedAt ? Date.parse(pr.mergedAt) - Date.parse(pr.createdAt) : null;
    const proof: ProofItem[] = [prProof(bundle)];
    for (const url of s.explanationUrls.slice(0, 3)) proof.push({ label: `Explanation by ${s.person.login}`, url });
    const review = reviewers.find((r) => r.person.id === s.person.id);
    for (const rv of review?.reviews.slice(0, 2) ?? []) proof.push({ label: `Review by ${s.person.login}`, url: rv.htmlUrl });
    out.push(
      contribution({
        key: `mentoring:${pr.id}:${s.person.id}`,
        kind: "mentoring",
        person: s.person,
        subject,
        occurredAt: s.lastAt,
        score,
        confidence: substantiveReview || s.explanations > 0 ? 0.8 : 0.65,
        level: null,
        dynamics: "compounding",
        evidence,
        formula: {
          friction: `${author.login}, a newcomer to ${bundle.repository.fullName}, opened ${prLabel(bundle)} “${pr.title}”.`,
          change: `${s.person.login} helped ${author.login} with ${did.join(", ")}.`,
          improvement:
            openedToMerged !== null && openedToMerged >= 0
              ? `The pull request merged ${humanDuration(openedToMerged)} after it was opened. Whether the newcomer ramps up faster is not measurable from one pull request.`
              : "Not merged yet: outcome not measurable yet.",
          beneficiaries: [author.login],
          proof,
        },
        detail: {
          newcomer: author.login,
          reviewLevel: s.reviewLevel,
          explanations: s.explanations,
          threadsWithNewcomer: s.threadsWithNewcomer,
          commits: s.commits,
          merged: s.merged,
        },
        detector: "mentoring",
      }),
    );
  }
  return out;
}
