/**
 * CI payloads: the `ci` workflow_run and `test` check_run deliveries for every
 * queued CI request, with the flaky failures (and their reruns) the story
 * needs, and the flaky-rate facts and stats it quotes.
 */
import { P, REPOS, fullName, noreplyEmail, type Person, type RepoInfo, type RepoKey } from "./cast.js";
import { commitMessage, type CiRequest, type EmitContext, type Json, type PrCommit } from "./emit-context.js";
import { API, WEB, actionsApp, nodeId, userObject } from "./github-shapes.js";
import { MINUTE, iso, ms, type PrSpec } from "./spec.js";

/** Queues the CI run a pull request push triggers. */
export function ciRequest(ctx: EmitContext, spec: PrSpec, commits: PrCommit[], at: number, sha: string, prId: number, number: number, baseSha: string): void {
  const c = commits.find((k) => k.sha === sha) ?? commits[0]!;
  ctx.ci.push({
    repo: spec.repo,
    sha,
    branch: spec.headRef,
    event: "pull_request",
    at,
    actor: c.author,
    title: ctx.text(spec.title),
    commitMessage: commitMessage(c),
    commitAuthor: { name: c.author.name, email: noreplyEmail(c.author) },
    pr: { id: prId, number, headRef: spec.headRef, baseSha },
  });
}

/** Emits every CI run: `ci` workflow runs and `test` check runs, with flaky failures and reruns. */
export function emitCi(ctx: EmitContext): void {
  const fixAt = ctx.facts.flaky.fixMergedAt ? ms(ctx.facts.flaky.fixMergedAt) : Number.POSITIVE_INFINITY;
  const byRepo = new Map<RepoKey, CiRequest[]>();
  for (const r of ctx.ci) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
  const rerunners = [P.oliver, P.jonah, P.hannah, P.kwame, P.dev, P.lena];
  const flakyBeforeOpen = ctx.plan.pullRequests.find((p) => p.key === ctx.flakyFixKey);
  const fixOpenedAt = flakyBeforeOpen ? ms(flakyBeforeOpen.openedAt) : fixAt;
  let mainBeforeOpen = 0;
  let flakyBeforeOpenCount = 0;

  for (const [repoKey, reqs] of byRepo) {
    const repo = REPOS[repoKey];
    reqs.sort((a, b) => a.at - b.at);
    const flakyRepo = repoKey === "fleet";
    // On the default branch, the flaky rate is exact: about one run in five before the fix, one run after.
    const flaky = new Set<CiRequest>();
    if (flakyRepo) {
      const mainBefore = reqs.filter((r) => r.event === "push" && r.at < fixAt);
      const mainAfter = reqs.filter((r) => r.event === "push" && r.at >= fixAt);
      // Sampled separately inside the 30 days before the fix, so the window the detectors measure
      // shows the same one-in-five rate as the whole history rather than a lucky or unlucky stretch.
      const windowStart = fixAt - 30 * 24 * 60 * MINUTE;
      const recent = mainBefore.filter((r) => r.at >= windowStart);
      const older = mainBefore.filter((r) => r.at < windowStart);
      for (const part of [older, recent]) {
        const n = Math.round(part.length * (0.17 + ctx.rng.next() * 0.05));
        for (const r of ctx.rng.sample(part, n)) flaky.add(r);
      }
      // Keep the one post-fix flake away from the fix itself so the "after" window reads clean at first.
      if (mainAfter.length >= 40) flaky.add(ctx.rng.pick(mainAfter.slice(Math.floor(mainAfter.length / 2))));
      for (const r of reqs) if (r.event === "pull_request" && r.at < fixAt && ctx.rng.chance(0.18)) flaky.add(r);
      ctx.facts.flaky.mainRunsBefore = mainBefore.length;
      ctx.facts.flaky.mainRunsAfter = mainAfter.length;
      ctx.facts.flaky.flakyBefore = mainBefore.filter((r) => flaky.has(r)).length;
      ctx.facts.flaky.flakyAfter = mainAfter.filter((r) => flaky.has(r)).length;
      const windowAfter = mainAfter.filter((r) => r.at < fixAt + 30 * 24 * 60 * MINUTE);
      ctx.facts.flaky.windowRunsBefore = recent.length;
      ctx.facts.flaky.windowFlakyBefore = recent.filter((r) => flaky.has(r)).length;
      ctx.facts.flaky.windowRunsAfter = windowAfter.length;
      ctx.facts.flaky.windowFlakyAfter = windowAfter.filter((r) => flaky.has(r)).length;
      mainBeforeOpen = mainBefore.filter((r) => r.at < fixOpenedAt).length;
      flakyBeforeOpenCount = mainBefore.filter((r) => r.at < fixOpenedAt && flaky.has(r)).length;
    }
    const workflowId = 9_000_000 + (repo.id % 1_000_000);
    let runNumber = 1800 + (repo.id % 900);
    for (const r of reqs) {
      runNumber++;
      const runId = ctx.ids.alloc("workflowRun", r.at);
      const suiteId = ctx.ids.alloc("checkSuite", r.at);
      const start = r.at + ctx.rng.int(5, 40) * 1000;
      const end = start + ctx.rng.int(repo.ciMinutes[0] * 60, repo.ciMinutes[1] * 60) * 1000;
      const isFlaky = flaky.has(r);
      ciRun(ctx, r, repo, workflowId, runId, suiteId, runNumber, 1, r.at, start, end, isFlaky ? "failure" : "success", r.actor, isFlaky);
      if (isFlaky) {
        const rerunner = r.event === "push" ? ctx.rng.pick(rerunners) : r.actor;
        const restart = end + ctx.rng.int(8, 95) * MINUTE;
        const reEnd = restart + ctx.rng.int(repo.ciMinutes[0] * 60, repo.ciMinutes[1] * 60) * 1000;
        ciRun(ctx, r, repo, workflowId, runId, suiteId, runNumber, 2, r.at, restart, reEnd, "success", rerunner, false);
      }
    }
  }
  const pct = (a: number, b: number) => (b === 0 ? "0" : ((100 * a) / b).toFixed(0));
  ctx.stats.set("flakyBeforeOpen", String(flakyBeforeOpenCount));
  ctx.stats.set("mainRunsBeforeOpen", String(mainBeforeOpen));
  ctx.stats.set("flakyPctBeforeOpen", pct(flakyBeforeOpenCount, mainBeforeOpen));
}

function ciRun(
  ctx: EmitContext,
  r: CiRequest,
  repo: RepoInfo,
  workflowId: number,
  runId: number,
  suiteId: number,
  runNumber: number,
  attempt: number,
  createdAt: number,
  start: number,
  end: number,
  conclusion: "success" | "failure",
  triggeringActor: Person,
  flakyFailure: boolean,
): void {
  const repoName = fullName(repo);
  const runUrl = `${API}/repos/${repoName}/actions/runs/${runId}`;
  const prs = r.pr
    ? [
        {
          url: `${API}/repos/${repoName}/pulls/${r.pr.number}`,
          id: r.pr.id,
          number: r.pr.number,
          head: { ref: r.pr.headRef, sha: r.sha, repo: { id: repo.id, url: `${API}/repos/${repoName}`, name: repo.name } },
          base: { ref: "main", sha: r.pr.baseSha, repo: { id: repo.id, url: `${API}/repos/${repoName}`, name: repo.name } },
        },
      ]
    : [];
  const shortRepo = (repoObject: Json): Json => {
    const out: Json = {};
    for (const [k, v] of Object.entries(repoObject)) {
      out[k] = v;
      if (k === "deployments_url") break;
    }
    return out;
  };
  ctx.push(end, "workflow_run", r.repo, (_state, repoObject) => ({
    action: "completed",
    workflow_run: {
      id: runId,
      name: "ci",
      node_id: nodeId("WorkflowRun", runId),
      head_branch: r.branch,
      head_sha: r.sha,
      path: ".github/workflows/ci.yml",
      display_title: r.title,
      run_number: runNumber,
      event: r.event,
      status: "completed",
      conclusion,
      workflow_id: workflowId,
      check_suite_id: suiteId,
      check_suite_node_id: nodeId("CheckSuite", suiteId),
      url: runUrl,
      html_url: `${WEB}/${repoName}/actions/runs/${runId}`,
      pull_requests: prs,
      created_at: iso(createdAt),
      updated_at: iso(end),
      actor: userObject(r.actor),
      run_attempt: attempt,
      referenced_workflows: [],
      run_started_at: iso(start),
      triggering_actor: userObject(triggeringActor),
      jobs_url: `${runUrl}/jobs`,
      logs_url: `${runUrl}/logs`,
      check_suite_url: `${API}/repos/${repoName}/check-suites/${suiteId}`,
      artifacts_url: `${runUrl}/artifacts`,
      cancel_url: `${runUrl}/cancel`,
      rerun_url: `${runUrl}/rerun`,
      previous_attempt_url: attempt > 1 ? `${runUrl}/attempts/${attempt - 1}` : null,
      workflow_url: `${API}/repos/${repoName}/actions/workflows/${workflowId}`,
      head_commit: {
        id: r.sha,
        tree_id: r.sha.split("").reverse().join(""),
        message: r.commitMessage,
        timestamp: iso(r.at),
        author: r.commitAuthor,
        committer: r.event === "push" ? { name: "GitHub", email: "noreply@github.com" } : r.commitAuthor,
      },
      repository: shortRepo(repoObject),
      head_repository: shortRepo(repoObject),
    },
    workflow: {
      id: workflowId,
      node_id: nodeId("Workflow", workflowId),
      name: "ci",
      path: ".github/workflows/ci.yml",
      state: "active",
      created_at: "2023-04-11T09:30:02.000Z",
      updated_at: "2026-05-19T14:02:51.000Z",
      url: `${API}/repos/${repoName}/actions/workflows/${workflowId}`,
      html_url: `${WEB}/${repoName}/blob/main/.github/workflows/ci.yml`,
      badge_url: `${WEB}/${repoName}/workflows/ci/badge.svg`,
    },
    ...ctx.common(repoObject, triggeringActor),
  }));

  const checkRunId = ctx.ids.alloc("checkRun", end);
  const checkUrl = `${API}/repos/${repoName}/check-runs/${checkRunId}`;
  const failureSummary =
    "FAIL test/integration/order-sync.test.ts > OrderSyncTest > marks the order synced after the robot acks\n" +
    "AssertionError: expected 'pending' to be 'synced' // Object.is equality\n" +
    " ❯ test/integration/order-sync.test.ts:48:31";
  ctx.push(end, "check_run", r.repo, (_state, repoObject) => ({
    action: "completed",
    check_run: {
      id: checkRunId,
      name: "test",
      node_id: nodeId("CheckRun", checkRunId),
      head_sha: r.sha,
      external_id: `${runId}-test`,
      url: checkUrl,
      html_url: `${WEB}/${repoName}/actions/runs/${runId}/job/${checkRunId}`,
      details_url: `${WEB}/${repoName}/actions/runs/${runId}/job/${checkRunId}`,
      status: "completed",
      conclusion,
      started_at: iso(start),
      completed_at: iso(end),
      output: {
        title: conclusion === "failure" ? "1 failed test" : null,
        summary: conclusion === "failure" && flakyFailure ? failureSummary : null,
        text: null,
        annotations_count: conclusion === "failure" ? 1 : 0,
        annotations_url: `${checkUrl}/annotations`,
      },
      check_suite: {
        id: suiteId,
        node_id: nodeId("CheckSuite", suiteId),
        head_branch: r.branch,
        head_sha: r.sha,
        status: "completed",
        conclusion,
        url: `${API}/repos/${repoName}/check-suites/${suiteId}`,
        before: r.pr ? r.pr.baseSha : null,
        after: r.sha,
        pull_requests: prs,
        app: actionsApp(),
        created_at: iso(createdAt),
        updated_at: iso(end),
      },
      app: actionsApp(),
      pull_requests: prs,
    },
    ...ctx.common(repoObject, triggeringActor),
  }));
}
