/**
 * Triage and clarification on an issue, by someone other than its author:
 * adding acceptance criteria, repro steps or a checklist to the description,
 * clarifying the title, labelling, linking a duplicate, giving the first
 * helpful answer, asking the clarifying question before work starts.
 *
 * Compounding vs trap: when the same person keeps answering the same kind of
 * question (similar titles in `recentSimilar`), the work absorbs a recurring
 * problem instead of shrinking it — a trap, with a systemic fix suggested.
 */
import type { Contribution, PersonRef, ProofItem } from "../model.js";
import type { IssueBundle } from "../facts.js";
import { compileConfig, exclusionOf } from "./compile-config.js";
import { defaultDetectorConfig, type DetectorConfig } from "./config.js";
import { contribution, identified, issueUrl, repoFields } from "./contribution.js";
import { humanDuration, jaccard, plural, prose, titleTokens, wordCount } from "./text.js";

const SECTION =
  /^[ \t]{0,3}(?:#{1,6}[ \t]*|\*\*|__)?[ \t]*(acceptance criteria|definition of done|done when|expected (?:behaviou?r|result)s?|actual (?:behaviou?r|result)s?|steps to reproduce|reproduction steps|repro(?:duction)? steps|how to reproduce|to reproduce|environment|workaround|out of scope|non-goals)\b/gim;
const CHECKLIST = /^[ \t]*[-*+][ \t]+\[[ xX]\][ \t]+\S/gm;
const NUMBERED_STEP = /^[ \t]*\d+[.)][ \t]+\S/gm;
const DUPLICATE = /\b(?:duplicate of|dupe of|dup of|duplicates|same as|already (?:reported|tracked) in)\s+(?:[\w.-]+\/[\w.-]+)?#(\d+)/i;
const ME_TOO = /^\W*(?:\+1|same(?: here| issue| problem)?|me too|any (?:update|news|progress)s?|bump|following|subscribed|thanks?(?: you)?|ty|same for me|having the same)\b/i;
const CLARIFYING =
  /\b(?:to clarify|do you mean|did you mean|could you (?:share|provide|clarify|add|confirm|post|paste)|can you (?:share|provide|clarify|add|confirm|post|paste)|which version|what version|what (?:did you )?expect|steps to reproduce|repro|acceptance criteria|is the expected|what should happen|minimal (?:example|reproduction))\b/i;
const TRIAGE_LABEL_IGNORE = /^(?:stale|wontfix-bot|lock(?:ed)?|auto-?\w+)$/i;

function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

function sections(text: string): Set<string> {
  const out = new Set<string>();
  SECTION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SECTION.exec(text)) !== null) out.add((m[1] ?? "").toLowerCase());
  return out;
}

interface TriageSignals {
  person: PersonRef & { id: number };
  firstAt: string;
  lastAt: string;
  score: number;
  actions: string[];
  friction: string[];
  proof: ProofItem[];
  labels: string[];
  answered: boolean;
  clarifiedBeforeWork: boolean;
  addedCriteria: boolean;
}

const AUTHOR_SECTIONS = new Set(["acceptance criteria", "definition of done", "done when"]);

export function detectIssue(bundle: IssueBundle, config: DetectorConfig = defaultDetectorConfig): Contribution[] {
  const c = compileConfig(config);
  const issue = bundle.issue;
  const author = issue.author;
  const isAuthor = (p: PersonRef): boolean => (author.id !== null && p.id !== null ? p.id === author.id : p.login.toLowerCase() === author.login.toLowerCase());
  const url = issue.htmlUrl;
  const signals = new Map<number, TriageSignals>();
  const get = (p: PersonRef, at: string): TriageSignals | null => {
    const person = identified(p);
    if (!person || isAuthor(person)) return null;
    if (exclusionOf(c, person.login, person.isBot) !== null) return null;
    let s = signals.get(person.id);
    if (!s) {
      signals.set(
        person.id,
        (s = { person, firstAt: at, lastAt: at, score: 0, actions: [], friction: [], proof: [], labels: [], answered: false, clarifiedBeforeWork: false, addedCriteria: false }),
      );
    }
    if (Date.parse(at) > Date.parse(s.lastAt)) s.lastAt = at;
    if (Date.parse(at) < Date.parse(s.firstAt)) s.firstAt = at;
    return s;
  };

  const firstWorkAt = bundle.linkedPullRequests.reduce<number>((min, pr) => Math.min(min, Date.parse(pr.createdAt)), Infinity);

  for (const a of bundle.activity) {
    const s = get(a.actor, a.at);
    if (!s) continue;
    switch (a.action) {
      case "edited": {
        const before = a.bodyBefore ?? "";
        const after = a.bodyAfter ?? null;
        if (after !== null && after !== before) {
          const b = sections(before);
          const added = [...sections(after)].filter((x) => !b.has(x));
          const checklist = countMatches(CHECKLIST, after) - countMatches(CHECKLIST, before);
          const steps = countMatches(NUMBERED_STEP, after) - countMatches(NUMBERED_STEP, before);
          if (added.length > 0 || checklist >= 2) {
            s.score += 35 + Math.min(15, 5 * Math.max(0, checklist));
            s.addedCriteria = true;
            const what = added.length > 0 ? added.map((x) => `“${x}”`).join(", ") : "a checklist";
            s.actions.push(`added ${what}${checklist > 0 ? ` (${plural(checklist, "checklist item")})` : steps > 0 ? ` (${plural(steps, "numbered step")})` : ""} to the description`);
            if (added.some((x) => AUTHOR_SECTIONS.has(x)) || checklist >= 2) s.friction.push("had no testable acceptance criteria");
            if (added.some((x) => /reproduce|repro/.test(x))) s.friction.push("had no steps to reproduce");
          } else {
            const grew = wordCount(after) - wordCount(before);
            if (grew >= 15) {
              s.score += 15;
              s.actions.push(`expanded the description by ${plural(grew, "word")}`);
              s.friction.push("was vague");
            }
          }
        }
        if (a.titleBefore && a.titleBefore !== issue.title) {
          s.score += 5;
          s.actions.push(`retitled it from “${a.titleBefore}” to “${issue.title}”`);
        }
        break;
      }
      case "labeled": {
        if (a.label && !TRIAGE_LABEL_IGNORE.test(a.label) && !s.labels.includes(a.label)) {
          s.labels.push(a.label);
          if (s.labels.length <= 3) s.score += 4;
        }
        break;
      }
      case "marked_as_duplicate": {
        s.score += 25;
        s.answered = true;
        s.actions.push("marked it as a duplicate");
        s.friction.push("duplicated an existing issue");
        break;
      }
      case "transferred": {
        s.score += 5;
        s.actions.push("moved it to the right repository");
        break;
      }
      case "assigned": {
        s.score += 3;
        s.actions.push("routed it to an assignee");
        break;
      }
      case "closed": {
        if (issue.stateReason === "not_planned" || issue.stateReason === "duplicate") {
          s.score += 5;
          s.actions.push(`closed it as ${issue.stateReason.replace("_", " ")}`);
        }
        break;
      }
      default:
        break;
    }
  }

  const openedAt = Date.parse(issue.createdAt);
  const comments = [...bundle.comments].sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
  let firstHelpfulSeen = false;
  for (const cm of comments) {
    if (isAuthor(cm.author)) continue;
    const s = get(cm.author, cm.createdAt);
    if (!s) continue;
    const text = prose(cm.body);
    const words = wordCount(text);
    const dup = DUPLICATE.exec(cm.body);
    if (dup) {
      s.score += 25;
      s.answered = true;
      s.actions.push(`linked the duplicate #${dup[1]}`);
      s.friction.push("duplicated an existing issue");
      s.proof.push({ label: `Duplicate link by ${s.person.login}`, url: cm.htmlUrl });
      s.proof.push({ label: `Issue #${dup[1]}`, url: issueUrl(bundle.repository, Number(dup[1])) });
      firstHelpfulSeen = true;
      continue;
    }
    if (ME_TOO.test(text) && words < 12) continue;
    const beforeWork = Date.parse(cm.createdAt) < firstWorkAt;
    if (beforeWork && text.includes("?") && CLARIFYING.test(text) && !s.clarifiedBeforeWork) {
      s.score += 15;
      s.clarifiedBeforeWork = true;
      s.actions.push("asked the clarifying question before work started");
      s.proof.push({ label: `Clarifying question by ${s.person.login}`, url: cm.htmlUrl });
    }
    if (!firstHelpfulSeen && words >= 8) {
      firstHelpfulSeen = true;
      s.score += 25;
      s.answered = true;
      const waited = Date.parse(cm.createdAt) - openedAt;
      s.actions.push(`gave the first helpful answer${Number.isFinite(waited) && waited >= 0 ? `, ${humanDuration(waited)} after the issue was opened` : ""}`);
      if (Number.isFinite(waited) && waited >= 0) s.friction.push(`waited ${humanDuration(waited)} for a first helpful answer`);
      s.proof.push({ label: `First answer by ${s.person.login}`, url: cm.htmlUrl });
    }
  }

  const out: Contribution[] = [];
  const subject = {
    ...repoFields(bundle.repository),
    subjectType: "issue",
    subjectId: String(issue.id),
    subjectTitle: issue.title,
    subjectUrl: url,
  };
  const myTokens = titleTokens(issue.title);
  for (const s of [...signals.values()].sort((a, b) => a.person.id - b.person.id)) {
    if (s.labels.length > 0) s.actions.push(`labelled it ${s.labels.slice(0, 5).map((l) => `“${l}”`).join(", ")}`);
    if (s.score <= 0 || s.actions.length === 0) continue;

    // Trap: the same person answering the same question again and again.
    const similar = s.answered
      ? bundle.recentSimilar.filter(
          (r) => r.number !== issue.number && r.answeredBy.some((p) => p.id === s.person.id) && jaccard(myTokens, titleTokens(r.title)) >= c.config.thresholds.similarTitle,
        )
      : [];
    const trap = similar.length + 1 >= c.config.thresholds.trapRepeatCount;

    const evidence = [`On issue #${issue.number} “${issue.title}” by ${author.login}, ${s.person.login} ${joinActions(s.actions)}.`];
    const outcome = outcomeOf(bundle, s);
    evidence.push(...outcome.sentences);
    if (trap) {
      const list = similar.slice(0, 4).map((r) => `#${r.number} “${r.title}”`).join(", ");
      evidence.push(
        `${s.person.login} has answered ${plural(similar.length + 1, "similar question")} (this one and ${list}): the same question keeps coming back. A FAQ entry, doc or runbook would answer it once, and turn this recurring work into compounding work.`,
      );
    }
    const proof: ProofItem[] = [{ label: `${bundle.repository.fullName}#${issue.number}: ${issue.title}`, url }, ...s.proof.slice(0, 4)];
    for (const r of similar.slice(0, 3)) proof.push({ label: `Similar issue #${r.number}: ${r.title}`, url: issueUrl(bundle.repository, r.number) });
    const frictions = [...new Set(s.friction)];
    out.push(
      contribution({
        key: `triage:${issue.id}:${s.person.id}`,
        kind: "triage",
        person: s.person,
        subject,
        occurredAt: s.lastAt,
        score: s.score,
        confidence: s.addedCriteria || s.answered ? 0.85 : 0.7,
        level: s.score >= 30 ? "substantive" : "light",
        dynamics: trap ? "trap" : "neutral",
        evidence,
        formula: {
          friction:
            frictions.length > 0
              ? `Issue #${issue.number} ${joinActions(frictions)}.`
              : `Issue #${issue.number} needed triage; the friction before is not recorded beyond that.`,
          change: `${s.person.login} ${joinActions(s.actions)}.`,
          improvement: outcome.improvement,
          beneficiaries: [author.login, ...bundle.linkedPullRequests.map((p) => p.author.login).filter((l, i, all) => l !== author.login && all.indexOf(l) === i)],
          proof,
        },
        detail: {
          actions: s.actions,
          labels: s.labels,
          addedCriteria: s.addedCriteria,
          answered: s.answered,
          clarifiedBeforeWork: s.clarifiedBeforeWork,
          reopenedCount: issue.reopenedCount,
          similarAnswered: similar.map((r) => r.number),
        },
        detector: "triage",
      }),
    );
  }
  return out;
}

function joinActions(list: readonly string[]): string {
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

function outcomeOf(bundle: IssueBundle, s: TriageSignals): { sentences: string[]; improvement: string } {
  const issue = bundle.issue;
  const sentences: string[] = [];
  const merged = bundle.linkedPullRequests.filter((p) => p.mergedAt).sort((a, b) => Date.parse(a.mergedAt!) - Date.parse(b.mergedAt!));
  const firstMerged = merged[0];
  if (firstMerged && firstMerged.mergedAt) {
    const after = Date.parse(firstMerged.mergedAt) - Date.parse(s.firstAt);
    if (after >= 0) sentences.push(`A linked pull request (#${firstMerged.number} by ${firstMerged.author.login}) merged ${humanDuration(after)} after ${s.person.login} stepped in.`);
  }
  if (issue.state === "closed") {
    sentences.push(issue.reopenedCount === 0 ? "Closed and not reopened since." : `Closed, but reopened ${plural(issue.reopenedCount, "time")} since.`);
  } else if (issue.reopenedCount > 0) {
    sentences.push(`Reopened ${plural(issue.reopenedCount, "time")}; still open.`);
  }
  let improvement: string;
  if (issue.state === "closed" && issue.reopenedCount === 0) improvement = `The issue was closed and has not been reopened${firstMerged ? `; #${firstMerged.number} resolved it` : ""}.`;
  else if (issue.state === "closed") improvement = `The issue was closed but reopened ${plural(issue.reopenedCount, "time")}: the clarification did not settle it.`;
  else improvement = "Still open: outcome not measurable yet.";
  return { sentences, improvement };
}
