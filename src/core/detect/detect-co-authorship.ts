/**
 * Pairing credit from Co-authored-by trailers on a merged pull request's
 * commits. AI assistants (Copilot, Claude, ChatGPT/Codex, Cursor, Devin,
 * aider, …) and bots are filtered; unmapped trailers cannot be credited.
 */
import type { Contribution, PersonRef, ProofItem } from "../model.js";
import type { PullRequestBundle } from "../facts.js";
import { exclusionOf, isAiCoAuthor, type CompiledConfig } from "./compile-config.js";
import { commitUrl, contribution, identified, prLabel, prProof, pullRequestSubject } from "./contribution.js";
import { plural } from "./text.js";

export interface CoAuthorScan {
  contributions: Contribution[];
  /** Trailers dropped as AI assistants or bots, as "Name <email>". */
  filtered: string[];
  /** Trailers that could not be mapped to a GitHub account. */
  unmapped: string[];
}

export function coAuthorshipContributions(bundle: PullRequestBundle, c: CompiledConfig): CoAuthorScan {
  const pr = bundle.pullRequest;
  const author = pr.author;
  const filtered: string[] = [];
  const unmapped: string[] = [];
  const people = new Map<number, { person: PersonRef & { id: number }; shas: string[]; lastAt: string }>();
  for (const commit of bundle.commits) {
    for (const t of commit.coAuthors) {
      const label = `${t.name} <${t.email}>`;
      if (isAiCoAuthor(c, t.name, t.email) || t.person?.isBot === true) {
        if (!filtered.includes(label)) filtered.push(label);
        continue;
      }
      const person = identified(t.person);
      if (!person) {
        if (!unmapped.includes(label)) unmapped.push(label);
        continue;
      }
      if (exclusionOf(c, person.login, person.isBot) !== null) {
        if (exclusionOf(c, person.login, person.isBot) !== "opted-out" && !filtered.includes(label)) filtered.push(label);
        continue;
      }
      if ((author.id !== null && person.id === author.id) || person.login.toLowerCase() === author.login.toLowerCase()) continue;
      // The commit's own author crediting themselves as co-author is not pairing either.
      if (commit.author && commit.author.id === person.id) continue;
      let e = people.get(person.id);
      if (!e) people.set(person.id, (e = { person, shas: [], lastAt: commit.authoredAt }));
      if (!e.shas.includes(commit.sha)) e.shas.push(commit.sha);
      if (Date.parse(commit.authoredAt) > Date.parse(e.lastAt)) e.lastAt = commit.authoredAt;
    }
  }
  if (!pr.merged) return { contributions: [], filtered, unmapped };

  const subject = pullRequestSubject(bundle);
  const total = bundle.commits.length;
  const out: Contribution[] = [];
  for (const e of [...people.values()].sort((a, b) => a.person.id - b.person.id)) {
    const n = e.shas.length;
    const share = total > 0 ? n / total : 1;
    const proof: ProofItem[] = [prProof(bundle), ...e.shas.slice(0, 5).map((sha) => ({ label: `Commit ${sha.slice(0, 7)} (Co-authored-by ${e.person.login})`, url: commitUrl(bundle.repository, sha) }))];
    const evidence = [
      `${e.person.login} is named as co-author (Co-authored-by trailer) on ${n} of ${plural(total, "commit")} of ${prLabel(bundle)} “${pr.title}”, authored with ${author.login}.`,
    ];
    if (filtered.length > 0) evidence.push(`${plural(filtered.length, "AI or bot co-author trailer")} on this pull request ${filtered.length === 1 ? "was" : "were"} ignored.`);
    out.push(
      contribution({
        key: `co-authorship:${pr.id}:${e.person.id}`,
        kind: "co-authorship",
        person: e.person,
        subject,
        occurredAt: pr.mergedAt ?? e.lastAt,
        score: 35 + 40 * share + 5 * Math.min(n, 5),
        confidence: 0.85,
        level: null,
        dynamics: "compounding",
        evidence,
        formula: {
          friction: "Not recorded: a Co-authored-by trailer does not say why the work was paired on.",
          change: `${e.person.login} paired with ${author.login} on ${prLabel(bundle)}: co-author of ${n} of ${plural(total, "commit")}.`,
          improvement: `The pull request merged${pr.mergedAt ? ` on ${pr.mergedAt.slice(0, 10)}` : ""}; any effect beyond that is not measurable from the trailers.`,
          beneficiaries: [author.login],
          proof,
        },
        detail: { commits: e.shas, totalCommits: total, pairedWith: [author.login], role: "co-author", filteredCoAuthors: filtered, unmappedCoAuthors: unmapped },
        detector: "co-authorship",
      }),
    );
  }
  // Pairing takes two: the pull request's author paired with the people their commits name.
  const prAuthor = identified(author);
  if (people.size > 0 && prAuthor && exclusionOf(c, prAuthor.login, prAuthor.isBot) === null) {
    const partners = [...people.values()].sort((a, b) => a.person.id - b.person.id);
    const shas = new Set(partners.flatMap((e) => e.shas));
    const n = shas.size;
    const share = total > 0 ? n / total : 1;
    const names = partners.map((e) => e.person.login);
    const who = names.length <= 3 ? joinNames(names) : `${names.slice(0, 3).join(", ")} and ${plural(names.length - 3, "other")}`;
    out.push(
      contribution({
        key: `co-authorship:${pr.id}:${prAuthor.id}`,
        kind: "co-authorship",
        person: prAuthor,
        subject,
        occurredAt: pr.mergedAt ?? partners.map((e) => e.lastAt).sort().pop() ?? pr.createdAt,
        score: 35 + 40 * share + 5 * Math.min(n, 5),
        confidence: 0.8,
        level: null,
        dynamics: "compounding",
        evidence: [
          `${prAuthor.login} authored ${prLabel(bundle)} “${pr.title}” with ${who}, named as co-author (Co-authored-by trailer) on ${n} of ${plural(total, "commit")}.`,
          ...(filtered.length > 0 ? [`${plural(filtered.length, "AI or bot co-author trailer")} on this pull request ${filtered.length === 1 ? "was" : "were"} ignored.`] : []),
        ],
        formula: {
          friction: "Not recorded: a Co-authored-by trailer does not say why the work was paired on.",
          change: `${prAuthor.login} paired with ${who} on ${prLabel(bundle)}, named as co-author on ${n} of ${plural(total, "commit")}.`,
          improvement: `The pull request merged${pr.mergedAt ? ` on ${pr.mergedAt.slice(0, 10)}` : ""}; any effect beyond that is not measurable from the trailers.`,
          beneficiaries: names,
          proof: [prProof(bundle), ...[...shas].slice(0, 5).map((sha) => ({ label: `Commit ${sha.slice(0, 7)} (Co-authored-by ${who})`, url: commitUrl(bundle.repository, sha) }))],
        },
        detail: { commits: [...shas], totalCommits: total, pairedWith: names, role: "author", filteredCoAuthors: filtered, unmappedCoAuthors: unmapped },
        detector: "co-authorship",
      }),
    );
  }
  return { contributions: out, filtered, unmapped };
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
