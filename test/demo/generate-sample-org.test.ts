import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_SEED,
  deliveryTimestamp,
  generateSampleOrg,
  type Recording,
  type SampleDelivery,
  type SampleOrg,
} from "../../src/demo/generate-sample-org.js";

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Json[] }[];

function examplesOf(event: string, action: string | undefined): { same: Json[]; all: Json[] } {
  const all = EXAMPLES.find((e) => e.name === event)?.examples ?? [];
  const same = all.filter((x) => x.action === action);
  return { same: same.length > 0 ? same : all, all };
}

const intersect = (sets: string[][]): string[] => (sets.length === 0 ? [] : sets.reduce((acc, s) => acc.filter((k) => s.includes(k))));
const union = (sets: string[][]): Set<string> => new Set(sets.flat());
const keysOf = (v: unknown): string[] => (v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : []);

/** The main object of each event's payload. */
const MAIN: Record<string, (p: Json) => unknown> = {
  installation: (p) => p.installation,
  pull_request: (p) => p.pull_request,
  pull_request_review: (p) => p.review,
  pull_request_review_comment: (p) => p.comment,
  pull_request_review_thread: (p) => p.thread,
  issues: (p) => p.issue,
  issue_comment: (p) => p.comment,
  check_run: (p) => p.check_run,
  workflow_run: (p) => p.workflow_run,
  push: (p) => p.head_commit,
};

/** Fields real GitHub sends that the (older) examples file lacks. */
const NEWER_FIELDS: Record<string, string[]> = {
  installation: ["node_id", "app_slug", "has_multiple_single_files", "single_file_paths"],
  pull_request_review_comment: ["in_reply_to_id"],
  issues: ["state_reason"],
  issue_comment: [],
  workflow_run: ["referenced_workflows", "path", "display_title", "actor", "triggering_actor"],
};

const action = (d: SampleDelivery) => (typeof d.payload.action === "string" ? d.payload.action : undefined);
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

let org: SampleOrg;
const byEvent = (event: string, act?: string) => org.deliveries.filter((d) => d.event === event && (act === undefined || action(d) === act));
const prOf = (d: SampleDelivery) => obj(d.payload.pull_request);
const repoName = (d: SampleDelivery) => str(obj(d.payload.repository).name);

beforeAll(() => {
  org = generateSampleOrg();
});

describe("generateSampleOrg: determinism", () => {
  it("gives byte-identical output for the same seed", () => {
    const again = generateSampleOrg({ seed: DEFAULT_SEED });
    expect(JSON.stringify(again)).toBe(JSON.stringify(org));
  });

  it("gives different output for a different seed, with the same story", () => {
    const other = generateSampleOrg({ seed: 7 });
    expect(other.deliveries.map((d) => d.id)).not.toEqual(org.deliveries.map((d) => d.id));
    expect(JSON.stringify(other.deliveries)).not.toBe(JSON.stringify(org.deliveries));
    expect(other.engineers).toEqual(org.engineers);
    expect(other.story.length).toBe(org.story.length);
  });
});

describe("generateSampleOrg: the organisation", () => {
  it("has a fictional org, ≥ 12 engineers and ≥ 3 repositories, one private", () => {
    expect(org.org).toBe("acme-robotics");
    expect(org.engineers.length).toBeGreaterThanOrEqual(12);
    expect(new Set(org.engineers).size).toBe(org.engineers.length);
    expect(org.repositories.length).toBeGreaterThanOrEqual(3);
    expect(org.repositories.filter((r) => r.private).map((r) => r.fullName)).toEqual(["acme-robotics/payments-core"]);
  });

  it("is realistic in scale", () => {
    const prs = byEvent("pull_request", "opened");
    expect(prs.length).toBeGreaterThanOrEqual(150);
    expect(prs.length).toBeLessThanOrEqual(300);
    expect(org.deliveries.length).toBeGreaterThanOrEqual(1500);
    expect(org.deliveries.length).toBeLessThanOrEqual(4000);
  });

  it("starts with the installation, listing every repository", () => {
    const first = org.deliveries[0];
    expect(first?.event).toBe("installation");
    expect(first?.payload.action).toBe("created");
    const repos = (first?.payload.repositories as Json[]).map((r) => r.full_name);
    expect(repos.sort()).toEqual(org.repositories.map((r) => r.fullName).sort());
    expect(obj(first?.payload.installation).id).toBe(org.installationId);
    expect(byEvent("installation")).toHaveLength(1);
  });

  it("has a story to print", () => {
    expect(org.story.length).toBeGreaterThanOrEqual(8);
    expect(org.story.join("\n")).toMatch(/maya-okafor.*devraj-patel.*rafael-moreno/s);
  });
});

describe("generateSampleOrg: delivery envelope", () => {
  it("uses unique, UUID-shaped delivery ids", () => {
    const ids = org.deliveries.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("puts installation, repository, organization and sender on every payload", () => {
    for (const d of org.deliveries) {
      expect(keysOf(d.payload.sender)).toContain("login");
      if (d.event === "installation") continue;
      expect(d.payload.installation).toEqual({ id: org.installationId, node_id: expect.any(String) });
      const repo = obj(d.payload.repository);
      for (const k of ["id", "node_id", "name", "full_name", "private", "owner", "html_url", "default_branch"]) expect(repo).toHaveProperty(k);
      expect(obj(d.payload.organization).login).toBe("acme-robotics");
    }
  });

  it("is in chronological order, within the sample's window", () => {
    const times = org.deliveries.map(deliveryTimestamp);
    for (let i = 1; i < times.length; i++) expect(times[i]! >= times[i - 1]!, `delivery ${i} (${org.deliveries[i]?.event}) goes back in time`).toBe(true);
    expect(times[0]! >= "2026-06-01").toBe(true);
    expect(times[times.length - 1]! <= "2026-09-30T23:59:59Z").toBe(true);
    expect(times.filter((t) => t >= "2026-07-01" && t < "2026-10-01").length).toBeGreaterThan(org.deliveries.length / 2);
  });

  it("writes every timestamp as ISO 8601 UTC with Z", () => {
    const bad: string[] = [];
    const walk = (v: unknown, key: string) => {
      if (Array.isArray(v)) return v.forEach((x) => walk(x, key));
      if (v && typeof v === "object") return Object.entries(v).forEach(([k, x]) => walk(x, k));
      if (typeof v === "string" && (/_at$/.test(key) || key === "timestamp") && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(v)) bad.push(`${key}=${v}`);
    };
    for (const d of org.deliveries) if (d.event !== "installation") walk(d.payload, "");
    expect(bad).toEqual([]);
  });

  it("gives every account a stable numeric id and a User/Bot type, bots ending in [bot]", () => {
    const seen = new Map<string, number>();
    const walk = (v: unknown) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== "object") return;
      const o = v as Json;
      if (typeof o.login === "string" && "type" in o) {
        expect(typeof o.id).toBe("number");
        expect(["User", "Bot", "Organization"]).toContain(o.type);
        if (o.type === "Bot") expect(o.login).toMatch(/\[bot\]$/);
        if (o.type === "User") expect(o.login).not.toMatch(/\[bot\]$/);
        const prev = seen.get(o.login);
        if (prev !== undefined) expect(o.id).toBe(prev);
        seen.set(o.login, o.id as number);
      }
      Object.values(o).forEach(walk);
    };
    for (const d of org.deliveries.slice(0, 1500)) walk(d.payload);
    for (const login of org.engineers) expect(login).not.toMatch(/\[bot\]$/);
  });
});

describe("generateSampleOrg: payload shapes match @octokit/webhooks-examples", () => {
  it("has the top-level and main-object keys of the examples, for every event/action used", () => {
    const kinds = new Map<string, SampleDelivery>();
    for (const d of org.deliveries) {
      const k = `${d.event}.${action(d) ?? ""}`;
      if (!kinds.has(k)) kinds.set(k, d);
    }
    expect(kinds.size).toBeGreaterThanOrEqual(14);
    for (const [kind, d] of kinds) {
      const { same, all } = examplesOf(d.event, action(d));
      expect(all.length, `${kind} has examples`).toBeGreaterThan(0);
      const top = Object.keys(d.payload);
      for (const k of intersect(same.map(keysOf))) expect(top, `${kind} top-level`).toContain(k);
      const allowedTop = union([...all.map(keysOf), ["installation", "organization", "requester"]]);
      for (const k of top) expect(allowedTop.has(k), `${kind} has unexpected top-level key ${k}`).toBe(true);

      const main = MAIN[d.event];
      expect(main, `${kind} main object known`).toBeDefined();
      if (!main) continue;
      const ours = keysOf(main(d.payload));
      for (const k of intersect(same.map((x) => keysOf(main(x))).filter((s) => s.length > 0))) expect(ours, `${kind} main object`).toContain(k);
      const allowedMain = union([...all.map((x) => keysOf(main(x))), NEWER_FIELDS[d.event] ?? []]);
      for (const k of ours) expect(allowedMain.has(k), `${kind} main object has unexpected key ${k}`).toBe(true);
    }
  });

  it("has the keys of the examples' secondary objects too", () => {
    const secondary: [string, string, (p: Json) => unknown][] = [
      ["pull_request_review", "pull_request", (p) => p.pull_request],
      ["pull_request_review_comment", "pull_request", (p) => p.pull_request],
      ["pull_request_review_thread", "pull_request", (p) => p.pull_request],
      ["pull_request_review_thread", "thread comment", (p) => (obj(p.thread).comments as Json[] | undefined)?.[0]],
      ["issue_comment", "issue", (p) => p.issue],
      ["check_run", "check_suite", (p) => obj(p.check_run).check_suite],
      ["workflow_run", "workflow", (p) => p.workflow],
      ["push", "pusher", (p) => p.pusher],
    ];
    for (const [event, label, pick] of secondary) {
      const d = byEvent(event)[0];
      expect(d, event).toBeDefined();
      const { same, all } = examplesOf(event, action(d!));
      const ours = keysOf(pick(d!.payload));
      for (const k of intersect(same.map((x) => keysOf(pick(x))).filter((s) => s.length > 0))) expect(ours, `${event} ${label}`).toContain(k);
      // Newer fields real GitHub sends that some older examples lack.
      const allowed = union([...all.map((x) => keysOf(pick(x))), ["in_reply_to_id", "state_reason", "referenced_workflows", "draft", "auto_merge", "pull_request", "timeline_url"]]);
      for (const k of ours) expect(allowed.has(k), `${event} ${label} has unexpected key ${k}`).toBe(true);
    }
  });

  it("builds users and repositories like the examples", () => {
    const ex = EXAMPLES.find((e) => e.name === "pull_request")?.examples[0] as Json;
    const d = byEvent("pull_request", "opened")[0]!;
    expect(Object.keys(obj(d.payload.sender)).sort()).toEqual(Object.keys(obj(ex.sender)).sort());
    for (const k of Object.keys(obj(ex.repository))) expect(Object.keys(obj(d.payload.repository))).toContain(k);
    const pr = prOf(d);
    for (const k of ["id", "node_id", "number", "html_url", "title", "body", "state", "draft", "merged", "merged_at", "merged_by", "user", "author_association", "additions", "deletions", "changed_files", "commits", "head", "base", "labels", "created_at", "updated_at", "closed_at"]) {
      expect(pr).toHaveProperty(k);
    }
    expect(Object.keys(obj(pr.head))).toEqual(expect.arrayContaining(["sha", "ref", "repo"]));
  });

  it("sends lower-case review states and full check/workflow runs", () => {
    const states = new Set(byEvent("pull_request_review").map((d) => obj(d.payload.review).state));
    expect([...states].sort()).toEqual(["approved", "changes_requested", "commented"]);
    const run = obj(byEvent("workflow_run")[0]?.payload.workflow_run);
    for (const k of ["id", "name", "path", "workflow_id", "head_sha", "head_branch", "event", "status", "conclusion", "run_attempt", "run_number", "created_at", "updated_at", "run_started_at", "actor", "triggering_actor", "pull_requests"]) {
      expect(run).toHaveProperty(k);
    }
    const check = obj(byEvent("check_run")[0]?.payload.check_run);
    expect(obj(check.app).slug).toBe("github-actions");
    expect(obj(check.check_suite)).toHaveProperty("head_branch");
  });
});

describe("generateSampleOrg: the story", () => {
  const prByTitle = (prefix: string) => {
    const d = byEvent("pull_request", "opened").find((x) => str(prOf(x).title).startsWith(prefix));
    if (!d) throw new Error(`no PR titled ${prefix}`);
    return d;
  };
  const graphqlFor = (d: SampleDelivery): Json => {
    const rec = org.recordings.find((r) => r.path === "/graphql" && r.variables?.name === repoName(d) && r.variables?.number === d.payload.number);
    if (!rec) throw new Error(`no graphql recording for ${repoName(d)}#${String(d.payload.number)}`);
    return obj(obj(obj(obj(rec.body).data).repository).pullRequest);
  };
  const threadsOf = (d: SampleDelivery) => obj(graphqlFor(d).reviewThreads).nodes as Json[];

  it("has deep reviews by three people whose threads became outdated and were resolved", () => {
    const cases: [string, string][] = [
      ["Support partial refunds", "maya-okafor"],
      ["Cache robot heartbeats", "maya-okafor"],
      ["Sortable columns", "devraj-patel"],
      ["Export invoices as CSV", "devraj-patel"],
      ["Cursor pagination", "rafael-moreno"],
      ["Idempotency keys", "rafael-moreno"],
    ];
    const reviewers = new Set<string>();
    for (const [title, reviewer] of cases) {
      const pr = prByTitle(title);
      const number = pr.payload.number;
      const comments = byEvent("pull_request_review_comment").filter((d) => prOf(d).number === number && repoName(d) === repoName(pr) && obj(obj(d.payload.comment).user).login === reviewer && !("in_reply_to_id" in obj(d.payload.comment)));
      expect(comments.length, title).toBeGreaterThan(0);
      const ids = new Set(comments.map((c) => obj(c.payload.comment).id));
      const threads = threadsOf(pr).filter((t) => (obj(t.comments).nodes as Json[]).some((n) => ids.has(n.databaseId)));
      expect(threads.length, title).toBeGreaterThan(0);
      for (const t of threads) {
        expect(t.isOutdated, title).toBe(true);
        expect(t.isResolved, title).toBe(true);
      }
      const resolved = byEvent("pull_request_review_thread", "resolved").filter((d) => prOf(d).number === number && repoName(d) === repoName(pr));
      expect(resolved.map((d) => obj(d.payload.thread).node_id)).toEqual(expect.arrayContaining(threads.map((t) => t.id)));
      const syncs = byEvent("pull_request", "synchronize").filter((d) => d.payload.number === number && repoName(d) === repoName(pr));
      expect(syncs.length, `${title} has a fix push`).toBeGreaterThan(0);
      reviewers.add(reviewer);
    }
    expect(reviewers.size).toBe(3);
  });

  it("has a verified approval", () => {
    const approvals = byEvent("pull_request_review", "submitted").filter((d) => /prod snapshot: 4 s, no locks taken/.test(str(obj(d.payload.review).body)));
    expect(approvals).toHaveLength(1);
    expect(obj(approvals[0]?.payload.review).state).toBe("approved");
  });

  it("has rubber stamps: approvals of 1,000+ line pull requests within two minutes, without comments", () => {
    const stamps = byEvent("pull_request_review", "submitted").filter((d) => {
      const r = obj(d.payload.review);
      const opened = byEvent("pull_request", "opened").find((o) => o.payload.number === prOf(d).number && repoName(o) === repoName(d));
      const pr = prOf(opened!);
      const size = Number(pr.additions) + Number(pr.deletions);
      const seconds = (Date.parse(str(r.submitted_at)) - Date.parse(str(pr.created_at))) / 1000;
      return r.state === "approved" && size >= 1000 && seconds <= 120;
    });
    expect(stamps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(stamps.map((d) => obj(obj(d.payload.review).user).login))).toEqual(new Set(["kwame-asante"]));
  });

  it("has a padded reviewer: many nits and LGTMs", () => {
    const nits = byEvent("pull_request_review_comment").filter((d) => obj(obj(d.payload.comment).user).login === "tomas-herrera" && !("in_reply_to_id" in obj(d.payload.comment)));
    expect(nits.length).toBeGreaterThanOrEqual(100);
    for (const d of nits) expect(str(obj(d.payload.comment).body)).toMatch(/^(nit|typo)/);
    const lgtm = byEvent("pull_request_review").filter((d) => obj(obj(d.payload.review).user).login === "tomas-herrera" && /^LGTM!/.test(str(obj(d.payload.review).body)));
    expect(lgtm.length).toBeGreaterThanOrEqual(30);
  });

  it("has a flaky test on main that a test-only fix mid-quarter cures, with ≥ 60 runs either side", () => {
    const fix = byEvent("pull_request", "closed").find((d) => str(prOf(d).title).startsWith("Deflake OrderSyncTest"));
    expect(prOf(fix!).merged).toBe(true);
    const mergedAt = str(prOf(fix!).merged_at);
    expect(mergedAt >= "2026-08-01" && mergedAt < "2026-08-31").toBe(true);
    const files = org.recordings.find((r) => r.path.startsWith(`/repos/acme-robotics/fleet-api/pulls/${String(fix!.payload.number)}/files`));
    const list = files?.body as Json[];
    for (const f of list) expect(str(f.filename)).toMatch(/^test\//);
    expect(list.map((f) => str(f.patch)).join("\n")).toMatch(/^- {4}await sleep\(500\);$/m);
    expect(list.map((f) => str(f.patch)).join("\n")).toMatch(/waitFor\(/);

    const runs = byEvent("workflow_run", "completed").filter((d) => repoName(d) === "fleet-api" && obj(d.payload.workflow_run).head_branch === "main");
    const first = runs.filter((d) => obj(d.payload.workflow_run).run_attempt === 1);
    const rerunShas = new Set(runs.filter((d) => obj(d.payload.workflow_run).run_attempt === 2).map((d) => obj(d.payload.workflow_run).head_sha));
    const before = first.filter((d) => str(obj(d.payload.workflow_run).created_at) < mergedAt);
    const after = first.filter((d) => str(obj(d.payload.workflow_run).created_at) >= mergedAt);
    const flaky = (list: SampleDelivery[]) => list.filter((d) => obj(d.payload.workflow_run).conclusion === "failure" && rerunShas.has(obj(d.payload.workflow_run).head_sha)).length;
    expect(before.length).toBeGreaterThanOrEqual(60);
    expect(after.length).toBeGreaterThanOrEqual(60);
    expect(flaky(before) / before.length).toBeGreaterThanOrEqual(0.15);
    expect(flaky(before) / before.length).toBeLessThanOrEqual(0.25);
    expect(flaky(after) / after.length).toBeLessThanOrEqual(0.03);
    // Every rerun is attempt 2 of the same run on the same commit, and succeeds.
    for (const d of runs.filter((x) => obj(x.payload.workflow_run).run_attempt === 2)) {
      const r = obj(d.payload.workflow_run);
      expect(r.conclusion).toBe("success");
      const original = runs.find((x) => obj(x.payload.workflow_run).id === r.id && obj(x.payload.workflow_run).run_attempt === 1);
      expect(obj(original?.payload.workflow_run).head_sha).toBe(r.head_sha);
    }
    // The "test" check run fails then passes on the same head_sha too.
    const checks = byEvent("check_run", "completed").filter((d) => repoName(d) === "fleet-api" && obj(obj(d.payload.check_run).check_suite).head_branch === "main");
    const failedShas = checks.filter((d) => obj(d.payload.check_run).conclusion === "failure").map((d) => obj(d.payload.check_run).head_sha);
    expect(failedShas.length).toBe(flaky(before) + flaky(after));
    for (const sha of failedShas) expect(checks.some((d) => obj(d.payload.check_run).head_sha === sha && obj(d.payload.check_run).conclusion === "success")).toBe(true);
  });

  it("has a quarantine trap and a 'flaky Wi-Fi' product change", () => {
    const q = prByTitle("Quarantine flaky checkout e2e");
    const files = org.recordings.find((r) => r.path.startsWith(`/repos/acme-robotics/web-console/pulls/${String(q.payload.number)}/files`));
    expect(JSON.stringify(files?.body)).toMatch(/test\.skip/);
    expect(str(prOf(prByTitle("Handle flaky Wi-Fi reconnect")).title)).toMatch(/flaky Wi-Fi/);
  });

  it("has runbook, docs, CI-config, template and CODEOWNERS work", () => {
    const paths = org.recordings.filter((r) => r.path.includes("/files?")).flatMap((r) => (r.body as Json[]).map((f) => str(f.filename)));
    for (const p of [
      "runbooks/payments-incident.md",
      "docs/oncall/fleet-outage.md",
      "README.md",
      "docs/adr/0007-event-sourced-robot-telemetry.md",
      "CONTRIBUTING.md",
      "docs/migrations/fleet-api-v1-to-v2.md",
      ".github/workflows/ci.yml",
      ".github/dependabot.yml",
      ".github/PULL_REQUEST_TEMPLATE.md",
      ".github/ISSUE_TEMPLATE/bug.yml",
      ".github/CODEOWNERS",
    ]) {
      expect(paths).toContain(p);
    }
  });

  it("has newcomers whose first pull requests are mentored", () => {
    const firsts = byEvent("pull_request", "opened").filter((d) => prOf(d).author_association === "FIRST_TIME_CONTRIBUTOR");
    expect(new Set(firsts.map((d) => obj(prOf(d).user).login))).toEqual(new Set(["nadia-rahman", "ben-carter"]));
    const contributor = byEvent("pull_request", "opened").filter((d) => prOf(d).author_association === "CONTRIBUTOR" && obj(prOf(d).user).type === "User");
    expect(contributor.length).toBeGreaterThan(0);
    const lenaOnNewcomers = byEvent("pull_request_review_comment").filter((d) => obj(obj(d.payload.comment).user).login === "lena-fischer" && ["nadia-rahman", "ben-carter"].includes(str(obj(prOf(d).user).login)));
    expect(lenaOnNewcomers.length).toBeGreaterThanOrEqual(8);
    expect(lenaOnNewcomers.some((d) => /https?:\/\//.test(str(obj(d.payload.comment).body)))).toBe(true);
    // A long explanatory thread: one root comment with ≥ 5 replies.
    const replies = new Map<unknown, number>();
    for (const d of byEvent("pull_request_review_comment")) {
      const c = obj(d.payload.comment);
      if (c.in_reply_to_id !== undefined) replies.set(c.in_reply_to_id, (replies.get(c.in_reply_to_id) ?? 0) + 1);
    }
    expect(Math.max(...replies.values())).toBeGreaterThanOrEqual(5);
  });

  it("has issue triage: clarified, labelled, answered, a duplicate, and a recurring question", () => {
    const edits = byEvent("issues", "edited");
    expect(edits.length).toBeGreaterThanOrEqual(3);
    for (const d of edits) {
      expect(typeof obj(obj(d.payload.changes).body).from).toBe("string");
      expect(str(obj(d.payload.issue).body)).toMatch(/## Steps to reproduce/);
      expect(str(obj(d.payload.issue).body)).toMatch(/## Acceptance criteria\n- \[ \]/);
      expect(obj(d.payload.sender).login).not.toBe(obj(obj(d.payload.issue).user).login);
    }
    expect(byEvent("issues", "labeled").length).toBeGreaterThanOrEqual(8);
    expect(byEvent("issues", "opened").some((d) => obj(d.payload.issue).title === "checkout broken??")).toBe(true);
    const dup = byEvent("issue_comment").find((d) => /Duplicate of #\d+/.test(str(obj(d.payload.comment).body)));
    expect(dup).toBeDefined();
    const closedDup = byEvent("issues", "closed").find((d) => (obj(d.payload.issue).labels as Json[]).some((l) => l.name === "duplicate"));
    expect(closedDup).toBeDefined();
    const staging = byEvent("issues", "opened").filter((d) => /staging (db )?credentials/i.test(str(obj(d.payload.issue).title)));
    expect(staging.length).toBeGreaterThanOrEqual(5);
    for (const q of staging) {
      const answers = byEvent("issue_comment").filter((d) => obj(d.payload.issue).number === obj(q.payload.issue).number && repoName(d) === repoName(q) && obj(obj(d.payload.comment).user).login === "jonah-whitfield");
      expect(answers.length).toBeGreaterThan(0);
    }
  });

  it("has co-authored commits, human and AI", () => {
    const messages = [
      ...byEvent("push").flatMap((d) => (d.payload.commits as Json[]).map((c) => str(c.message))),
      ...org.recordings.filter((r) => r.path === "/graphql").flatMap((r) => (obj(obj(obj(obj(obj(r.body).data).repository).pullRequest).commits).nodes as Json[]).map((n) => str(obj(n.commit).message))),
    ];
    expect(messages.some((m) => /Co-authored-by: Lena Fischer <\d+\+lena-fischer@users\.noreply\.github\.com>/.test(m))).toBe(true);
    expect(messages.some((m) => /Co-authored-by: (Nadia Rahman|Ben Carter) </.test(m))).toBe(true);
    expect(messages.some((m) => /Co-authored-by: (Copilot <175728472\+Copilot@users\.noreply\.github\.com>|Claude <noreply@anthropic\.com>)/.test(m))).toBe(true);
    const pushAuthors = byEvent("push").map((d) => obj(obj(d.payload.head_commit).author));
    for (const a of pushAuthors) for (const k of ["name", "email", "username"]) expect(a).toHaveProperty(k);
  });

  it("has bots: dependabot pull requests, github-actions comments and AI reviewers", () => {
    const dependabot = byEvent("pull_request", "opened").filter((d) => obj(prOf(d).user).login === "dependabot[bot]");
    expect(dependabot.length).toBeGreaterThanOrEqual(5);
    expect(obj(prOf(dependabot[0]!).user).type).toBe("Bot");
    expect(byEvent("issue_comment").filter((d) => obj(obj(d.payload.comment).user).login === "github-actions[bot]").length).toBeGreaterThanOrEqual(10);
    for (const ai of ["copilot-pull-request-reviewer[bot]", "coderabbitai[bot]"]) {
      const comments = byEvent("pull_request_review_comment").filter((d) => obj(obj(d.payload.comment).user).login === ai);
      expect(comments.length, ai).toBeGreaterThanOrEqual(20);
      expect(obj(obj(comments[0]!.payload.comment).user).type).toBe("Bot");
    }
  });

  it("has slash commands of every kind, by different people, some in the private repository", () => {
    const commands = byEvent("issue_comment", "created").filter((d) => str(obj(d.payload.comment).body).startsWith("/unsung "));
    const byKind = new Map<string, SampleDelivery[]>();
    for (const d of commands) {
      const kind = str(obj(d.payload.comment).body).split(/\s+/)[1] ?? "";
      byKind.set(kind, [...(byKind.get(kind) ?? []), d]);
    }
    expect([...byKind.keys()].sort()).toEqual(["claim", "dispute", "endorse", "log", "note"]);
    for (const [kind, list] of byKind) {
      expect(list.length, kind).toBeGreaterThanOrEqual(3);
      expect(new Set(list.map((d) => obj(obj(d.payload.comment).user).login)).size, kind).toBeGreaterThanOrEqual(2);
    }
    for (const d of byKind.get("claim") ?? []) expect(str(obj(d.payload.comment).body)).toMatch(/^\/unsung claim https:\/\/github\.com\/acme-robotics\/[\w-]+\/(pull|issues)\/\d+ \S/);
    for (const d of byKind.get("dispute") ?? []) expect(str(obj(d.payload.comment).body)).toMatch(/^\/unsung dispute https:\/\/github\.com\/acme-robotics\/[\w-]+\/(pull|issues)\/\d+ \S/);
    for (const d of byKind.get("endorse") ?? []) expect(str(obj(d.payload.comment).body)).toMatch(/^\/unsung endorse @[a-z-]+ \S/);
    expect(commands.filter((d) => obj(d.payload.repository).private === true).length).toBeGreaterThanOrEqual(3);
    // One command per comment.
    for (const d of commands) expect(str(obj(d.payload.comment).body).match(/\/unsung /g)).toHaveLength(1);
  });

  it("closes merged pull requests properly and resolves threads with their comments", () => {
    const merged = byEvent("pull_request", "closed").filter((d) => prOf(d).merged === true);
    expect(merged.length).toBeGreaterThanOrEqual(150);
    for (const d of merged) {
      expect(prOf(d).merged_at).toBe(prOf(d).closed_at);
      expect(obj(prOf(d).merged_by).login).toBeTruthy();
    }
    for (const d of byEvent("pull_request_review_thread", "resolved")) {
      const thread = obj(d.payload.thread);
      expect(str(thread.node_id)).toMatch(/^PRRT_/);
      expect((thread.comments as Json[]).length).toBeGreaterThan(0);
    }
    expect(byEvent("pull_request", "ready_for_review").length).toBeGreaterThanOrEqual(1);
  });
});

describe("generateSampleOrg: recordings", () => {
  const merged = () => byEvent("pull_request", "closed").filter((d) => prOf(d).merged === true);

  it("records the GraphQL details and the files of every merged pull request", () => {
    for (const d of merged()) {
      const name = repoName(d);
      const number = d.payload.number;
      const gql = org.recordings.filter((r) => r.method === "POST" && r.path === "/graphql" && r.variables?.name === name && r.variables?.number === number);
      expect(gql, `${name}#${String(number)}`).toHaveLength(1);
      expect(gql[0]?.variables).toEqual({ owner: "acme-robotics", name, number, threads: null, commits: null });
      const details = obj(obj(obj(gql[0]?.body).data).repository);
      const pr = obj(details.pullRequest);
      expect(obj(obj(pr.reviewThreads).pageInfo)).toEqual({ hasNextPage: false, endCursor: null });
      expect((obj(pr.commits).nodes as Json[]).length).toBe(prOf(d).commits);
      const files = org.recordings.filter((r) => r.method === "GET" && r.path === `/repos/acme-robotics/${name}/pulls/${String(number)}/files?per_page=100&page=1`);
      expect(files).toHaveLength(1);
      const list = files[0]?.body as Json[];
      expect(list.reduce((s, f) => s + Number(f.additions), 0)).toBe(prOf(d).additions);
      expect(list.reduce((s, f) => s + Number(f.deletions), 0)).toBe(prOf(d).deletions);
      expect(list.length).toBe(prOf(d).changed_files);
      for (const f of list) {
        expect(Number(f.changes)).toBe(Number(f.additions) + Number(f.deletions));
        const patch = str(f.patch);
        expect(patch).toMatch(/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/);
        expect(patch.split("\n").filter((l) => l.startsWith("+")).length).toBe(f.additions);
        expect(patch.split("\n").filter((l) => l.startsWith("-")).length).toBe(f.deletions);
      }
    }
  });

  it("ties review threads to the review comments that were delivered", () => {
    const commentIds = new Set(byEvent("pull_request_review_comment").map((d) => obj(d.payload.comment).id));
    const resolvedIds = new Set(byEvent("pull_request_review_thread").map((d) => obj(d.payload.thread).node_id));
    for (const r of org.recordings.filter((x) => x.path === "/graphql")) {
      for (const t of obj(obj(obj(obj(obj(r.body).data).repository).pullRequest).reviewThreads).nodes as Json[]) {
        for (const n of obj(t.comments).nodes as Json[]) expect(commentIds.has(n.databaseId)).toBe(true);
        expect(t.isResolved).toBe(resolvedIds.has(t.id));
        if (t.isResolved) expect(obj(t.resolvedBy).login).toBeTruthy();
      }
    }
  });

  it("records .github/unsung.yml: 404 everywhere except one repository with a teams map", () => {
    const configs = org.recordings.filter((r: Recording) => r.path.endsWith("/contents/.github%2Funsung.yml"));
    expect(configs.map((r) => r.path)).toEqual(expect.arrayContaining(["/repos/acme-robotics/.github/contents/.github%2Funsung.yml", ...org.repositories.map((r) => `/repos/${r.fullName}/contents/.github%2Funsung.yml`)]));
    const found = configs.filter((r) => r.status === 200);
    expect(found).toHaveLength(1);
    expect(configs.filter((r) => r.status === 404).every((r) => obj(r.body).message === "Not Found")).toBe(true);
    const body = obj(found[0]?.body);
    expect(body.type).toBe("file");
    expect(body.encoding).toBe("base64");
    const yaml = Buffer.from(str(body.content), "base64").toString("utf8");
    expect(yaml).toMatch(/^teams:\n {2}platform: \[/m);
    expect(yaml).toMatch(/payments: \[maya-okafor/);
  });
});
