/**
 * The state every part of the emitter shares: the queue of pending deliveries,
 * id allocation, subject numbers and `{{…}}` placeholders, CI requests waiting
 * for the final pass, recordings and the facts gathered for the story. The
 * payload builders (emit-*.ts) are functions that take this context first.
 */
import { BOTS, REPOS, fullName, type Person, type RepoKey } from "./cast.js";
import { WEB, installationRef, organizationObject, userObject } from "./github-shapes.js";
import type { Random } from "./prng.js";
import { MINUTE, ms, type CoAuthor, type Plan } from "./spec.js";
import type { Recording } from "./types.js";

export type Json = Record<string, unknown>;

const T0 = ms("2026-06-01T00:00:00Z");

/** Repository state at the moment a payload is built (the final, chronological pass). */
export interface RepoState {
  pushedAt: string;
  mainSha: string;
  openIssues: number;
}

export interface Pending {
  at: number;
  seq: number;
  event: string;
  repo: RepoKey | null;
  build: (state: RepoState, repoObject: Json) => Json;
  /** Applied to the repository state after the payload is built. */
  effect?: (state: RepoState) => void;
}

/** Facts the story and the tests need, gathered while emitting. */
export interface EmitFacts {
  numbers: Map<string, { repo: RepoKey; number: number; kind: "pr" | "issue"; url: string }>;
  flaky: {
    fixMergedAt: string;
    mainRunsBefore: number;
    flakyBefore: number;
    mainRunsAfter: number;
    flakyAfter: number;
    /** The same, within the detectors' default windows: 30 days before and 30 days after the merge. */
    windowRunsBefore: number;
    windowFlakyBefore: number;
    windowRunsAfter: number;
    windowFlakyAfter: number;
  };
  mergedPullRequests: number;
  pullRequests: number;
}

export interface CiRequest {
  repo: RepoKey;
  sha: string;
  branch: string;
  event: "push" | "pull_request";
  at: number;
  actor: Person;
  title: string;
  commitMessage: string;
  commitAuthor: { name: string; email: string };
  pr?: { id: number; number: number; headRef: string; baseSha: string };
}

class IdAllocator {
  private used = new Map<string, Set<number>>();
  constructor(private readonly bases: Record<string, number>) {}
  alloc(kind: string, at: number): number {
    const base = this.bases[kind];
    if (base === undefined) throw new Error(`unknown id kind ${kind}`);
    let set = this.used.get(kind);
    if (!set) {
      set = new Set();
      this.used.set(kind, set);
    }
    let id = base + Math.max(0, Math.floor((at - T0) / 1000)) * 7;
    while (set.has(id)) id++;
    set.add(id);
    return id;
  }
}

export interface ThreadState {
  nodeId: string;
  path: string;
  commentIds: number[];
  comments: Json[];
  outdated: boolean;
  resolvedBy: Person | null;
}

export interface PrCommit {
  sha: string;
  message: string;
  authoredAt: number;
  pushedAt: number;
  author: Person;
  coAuthors: CoAuthor[];
  /** Commit e-mail not linked to the account (GraphQL user is null). */
  unlinkedEmail?: string;
}

/** A commit's message with its co-author trailers. */
export function commitMessage(c: PrCommit): string {
  const trailers = c.coAuthors.map((ca) => `Co-authored-by: ${ca.name} <${ca.email}>`).join("\n");
  return trailers ? `${c.message}\n\n${trailers}` : c.message;
}

export class EmitContext {
  readonly pending: Pending[] = [];
  private seq = 0;
  readonly ids = new IdAllocator({
    pr: 2_710_000_000,
    issue: 3_310_000_000,
    review: 3_050_000_000,
    reviewComment: 2_240_000_000,
    issueComment: 3_180_000_000,
    checkRun: 48_300_000_000,
    checkSuite: 44_100_000_000,
    workflowRun: 16_520_000_000,
  });
  readonly ci: CiRequest[] = [];
  readonly recordings: Recording[] = [];
  readonly stats = new Map<string, string>();
  readonly facts: EmitFacts;
  /** (repo, login) → merge times, for author_association. */
  readonly merges = new Map<string, number[]>();

  constructor(
    readonly plan: Plan,
    readonly rng: Random,
    readonly flakyFixKey: string,
  ) {
    this.facts = {
      numbers: new Map(),
      flaky: { fixMergedAt: "", mainRunsBefore: 0, flakyBefore: 0, mainRunsAfter: 0, flakyAfter: 0, windowRunsBefore: 0, windowFlakyBefore: 0, windowRunsAfter: 0, windowFlakyAfter: 0 },
      mergedPullRequests: 0,
      pullRequests: plan.pullRequests.length,
    };
    this.assignNumbers();
    for (const pr of plan.pullRequests) {
      if (pr.close?.merged) {
        const k = `${pr.repo}/${pr.author.login}`;
        const list = this.merges.get(k) ?? [];
        list.push(ms(pr.openedAt) + pr.close.atMin * MINUTE);
        this.merges.set(k, list);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private assignNumbers(): void {
    const subjects = [
      ...this.plan.pullRequests.map((p) => ({ key: p.key, repo: p.repo, at: ms(p.openedAt), kind: "pr" as const })),
      ...this.plan.issues.map((i) => ({ key: i.key, repo: i.repo, at: ms(i.openedAt), kind: "issue" as const })),
    ].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
    const next = new Map<RepoKey, number>();
    for (const s of subjects) {
      if (this.facts.numbers.has(s.key)) throw new Error(`duplicate subject key ${s.key}`);
      const repo = REPOS[s.repo];
      const n = next.get(s.repo) ?? repo.firstNumber;
      next.set(s.repo, n + 1);
      const url = `${WEB}/${fullName(repo)}/${s.kind === "pr" ? "pull" : "issues"}/${n}`;
      this.facts.numbers.set(s.key, { repo: s.repo, number: n, kind: s.kind, url });
    }
  }

  num(key: string): number {
    const n = this.facts.numbers.get(key);
    if (!n) throw new Error(`unknown subject ${key}`);
    return n.number;
  }

  /** Fills `{{#key}}`, `{{num:key}}`, `{{url:key}}` and `{{stat:name}}` placeholders. */
  text(s: string): string {
    return s.replace(/\{\{(#|num:|url:|stat:)([^}]+)\}\}/g, (_, kind: string, name: string) => {
      if (kind === "stat:") {
        const v = this.stats.get(name);
        if (v === undefined) throw new Error(`unknown stat ${name}`);
        return v;
      }
      const n = this.facts.numbers.get(name);
      if (!n) throw new Error(`unknown subject ${name}`);
      return kind === "#" ? `#${n.number}` : kind === "num:" ? String(n.number) : n.url;
    });
  }

  push(at: number, event: string, repo: RepoKey | null, build: Pending["build"], effect?: Pending["effect"]): void {
    this.pending.push({ at, seq: this.seq++, event, repo, build, effect });
  }

  association(person: Person, repo: RepoKey, at: number): string {
    if (person.type === "Bot") return person.login === BOTS.dependabot.login ? "CONTRIBUTOR" : "NONE";
    if (!person.memberSince || at >= ms(person.memberSince)) return "MEMBER";
    const merged = (this.merges.get(`${repo}/${person.login}`) ?? []).filter((t) => t < at).length;
    return merged > 0 ? "CONTRIBUTOR" : "FIRST_TIME_CONTRIBUTOR";
  }

  common(repoObject: Json, sender: Person): Json {
    return {
      repository: repoObject,
      organization: organizationObject(),
      sender: userObject(sender),
      installation: installationRef(),
    };
  }
}
