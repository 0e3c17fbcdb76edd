/**
 * Real webhook payloads (from @octokit/webhooks-examples) for the benchmarks:
 * the ~21 KB pull_request "opened" body for the intake, and a realistic mix
 * of an organisation's events, with ids varied so that rows don't all collide
 * on one pull request, for the worker.
 */
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { Random } from "../../src/demo/prng.js";

const require = createRequire(import.meta.url);
type Obj = Record<string, unknown>;
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Obj[] }[];

export function examplesOf(event: string): Obj[] {
  return structuredClone(examples.find((e) => e.name === event)?.examples ?? []);
}

export const INSTALLATION = { id: 4_242_424, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0MjQyNA==" };

export function sign(secret: string, body: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

export interface SignedBody {
  event: string;
  body: string;
  signature: string;
}

/**
 * The pull_request "opened" example as GitHub sends it to an app (with the
 * `installation` block), `variants` times with different pull request ids
 * and numbers: 21.4 KB each.
 */
export function pullRequestOpenedBodies(secret: string, variants = 64): SignedBody[] {
  const base = examplesOf("pull_request").find((p) => p.action === "opened");
  if (!base) throw new Error("no pull_request.opened example");
  const out: SignedBody[] = [];
  for (let i = 0; i < variants; i++) {
    const p = structuredClone(base);
    const number = 1000 + i;
    p.number = number;
    const pr = p.pull_request as Obj;
    pr.id = 900_000_000 + i;
    pr.number = number;
    pr.url = String(pr.url).replace(/\/\d+$/, `/${number}`);
    pr.html_url = String(pr.html_url).replace(/\/\d+$/, `/${number}`);
    p.installation = INSTALLATION;
    const body = JSON.stringify(p);
    out.push({ event: "pull_request", body, signature: sign(secret, body) });
  }
  return out;
}

/** An organisation's event mix: what one merged pull request's life sends, roughly. */
export const ORG_MIX: readonly (readonly [string, number])[] = [
  ["pull_request", 15],
  ["pull_request_review", 12],
  ["pull_request_review_comment", 25],
  ["pull_request_review_thread", 3],
  ["check_run", 20],
  ["workflow_run", 6],
  ["issue_comment", 8],
  ["issues", 5],
  ["push", 6],
];

export interface MixedDelivery {
  id: string;
  event: string;
  action: string | null;
  repositoryId: number;
  payload: string;
}

/**
 * `count` deliveries of the mix over `repos` repositories and a few hundred
 * pull requests and issues per repository; unique comment, review, run ids.
 * Deterministic for a seed.
 */
export function mixedDeliveries(count: number, seed = 7, repos = 20): MixedDelivery[] {
  const rng = new Random(seed);
  const pools = new Map(ORG_MIX.map(([event]) => [event, examplesOf(event).filter((p) => p.action !== "deleted")]));
  const out: MixedDelivery[] = [];
  for (let i = 0; i < count; i++) {
    const event = rng.weighted(ORG_MIX);
    const p = structuredClone(rng.pick(pools.get(event)!));
    const r = rng.int(0, repos - 1);
    const repo = p.repository as Obj | undefined;
    if (repo) {
      repo.id = 700_000_000 + r;
      repo.name = `service-${r}`;
      repo.full_name = `bench-org/service-${r}`;
    }
    p.installation = INSTALLATION;
    const number = rng.int(1, 400);
    const uid = 1_000_000 + i;
    const sender = p.sender as Obj | undefined;
    if (sender) sender.id = 50_000_000 + rng.int(0, 499);
    if (p.pull_request && typeof p.pull_request === "object") {
      const pr = p.pull_request as Obj;
      pr.id = (700_000_000 + r) * 1000 + number;
      pr.number = number;
      if ("number" in p) p.number = number;
      const user = pr.user as Obj | undefined;
      if (user) user.id = 50_000_000 + ((r * 31 + number) % 500);
    }
    if (p.issue && typeof p.issue === "object") {
      const issue = p.issue as Obj;
      issue.id = (800_000_000 + r) * 1000 + number;
      issue.number = number;
    }
    for (const k of ["review", "comment", "check_run", "workflow_run"] as const) {
      const o = p[k];
      if (o && typeof o === "object") (o as Obj).id = uid;
    }
    if (p.thread && typeof p.thread === "object") {
      const t = p.thread as Obj;
      t.node_id = `PRRT_bench_${uid}`;
    }
    if (event === "push") {
      p.after = rng.sha();
      p.before = rng.sha();
    }
    out.push({
      id: `mix-${seed}-${i}`,
      event,
      action: typeof p.action === "string" ? p.action : null,
      repositoryId: 700_000_000 + r,
      payload: JSON.stringify(p),
    });
  }
  return out;
}
