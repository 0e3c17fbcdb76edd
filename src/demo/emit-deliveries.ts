/**
 * Turns a plan (pull requests, issues, pushes) into webhook deliveries and the
 * API recordings the worker fetches after a merge. Payloads are built in a
 * final chronological pass so that repository state (pushed_at, open issue
 * counts, the default branch's head) is the state at each delivery's moment.
 *
 * `Emitter` is the entry point; the shared state lives in emit-context.ts and
 * the payload builders in emit-pull-request.ts (with emit-pr-object.ts and
 * emit-reviews.ts), emit-issues.ts, emit-pushes.ts, emit-ci.ts and
 * emit-recordings.ts.
 */
import { REPOS, type Person, type RepoKey } from "./cast.js";
import { emitCi } from "./emit-ci.js";
import { EmitContext, type EmitFacts, type RepoState } from "./emit-context.js";
import { emitIssue } from "./emit-issues.js";
import { emitPullRequest } from "./emit-pull-request.js";
import { emitDirectPush, emitMainPush } from "./emit-pushes.js";
import { recordConfig } from "./emit-recordings.js";
import { installationObject, repoMini, repositoryObject, userObject } from "./github-shapes.js";
import type { Random } from "./prng.js";
import type { IssueSpec, Plan, PrSpec } from "./spec.js";
import type { Recording, SampleDelivery } from "./types.js";

export type { EmitFacts } from "./emit-context.js";

/** A builder's parameters after the context. */
type WithoutContext<F> = F extends (ctx: EmitContext, ...rest: infer R) => unknown ? R : never;

export class Emitter {
  private readonly e: EmitContext;
  readonly facts: EmitFacts;

  constructor(plan: Plan, rng: Random, flakyFixKey: string) {
    this.e = new EmitContext(plan, rng, flakyFixKey);
    this.facts = this.e.facts;
  }

  /** Fills `{{#key}}`, `{{num:key}}`, `{{url:key}}` and `{{stat:name}}` placeholders. */
  text(s: string): string {
    return this.e.text(s);
  }

  // ---------------------------------------------------------------- installation

  installation(at: number, by: Person): void {
    this.e.push(at, "installation", null, () => ({
      action: "created",
      installation: installationObject(Math.floor(at / 1000)),
      repositories: Object.values(REPOS).map(repoMini),
      requester: null,
      sender: userObject(by),
    }));
  }

  // ---------------------------------------------------------------- pull requests

  pullRequest(spec: PrSpec): void {
    emitPullRequest(this.e, spec);
  }

  // ---------------------------------------------------------------- issues

  issue(spec: IssueSpec): void {
    emitIssue(this.e, spec);
  }

  // ---------------------------------------------------------------- pushes and CI

  /** A push to main: a squash merge or a direct push. */
  mainPush(...args: WithoutContext<typeof emitMainPush>): void {
    emitMainPush(this.e, ...args);
  }

  directPush(spec: Plan["directPushes"][number]): void {
    emitDirectPush(this.e, spec);
  }

  // ---------------------------------------------------------------- output

  configRecordings(configRepo: RepoKey, yaml: string): void {
    recordConfig(this.e, configRepo, yaml);
  }

  finish(): { deliveries: SampleDelivery[]; recordings: Recording[] } {
    emitCi(this.e);
    const sorted = [...this.e.pending].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const states = new Map<RepoKey, RepoState>();
    for (const repo of Object.values(REPOS)) {
      states.set(repo.key, { pushedAt: "2026-05-29T16:41:07Z", mainSha: this.e.rng.sha(), openIssues: 6 + (repo.id % 11) });
    }
    const deliveries: SampleDelivery[] = [];
    let clockSeq = this.e.rng.int(0, 0x3fff);
    for (const p of sorted) {
      const state = p.repo ? states.get(p.repo) : undefined;
      const repoObject = p.repo && state ? repositoryObject(REPOS[p.repo], state.pushedAt, Math.max(0, state.openIssues)) : {};
      const payload = p.build(state ?? { pushedAt: "", mainSha: "", openIssues: 0 }, repoObject);
      if (state && p.effect) p.effect(state);
      clockSeq = (clockSeq + 1) & 0x3fff;
      deliveries.push({ id: uuidV1(p.at, clockSeq, this.e.rng.hex(12)), event: p.event, payload });
    }
    return { deliveries, recordings: this.e.recordings };
  }
}

/** A time-based (version 1) UUID, the shape of GitHub's X-GitHub-Delivery GUIDs. */
function uuidV1(atMs: number, clockSeq: number, node: string): string {
  const t = (BigInt(atMs) + 12_219_292_800_000n) * 10_000n + BigInt(clockSeq % 10_000);
  const timeLow = (t & 0xffffffffn).toString(16).padStart(8, "0");
  const timeMid = ((t >> 32n) & 0xffffn).toString(16).padStart(4, "0");
  const timeHi = (((t >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, "0");
  const seq = (0x8000 | (clockSeq & 0x3fff)).toString(16).padStart(4, "0");
  return `${timeLow}-${timeMid}-${timeHi}-${seq}-${node}`;
}
