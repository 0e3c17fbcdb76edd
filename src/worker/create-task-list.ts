/**
 * graphile-worker tasks → services. Each task is a thin adapter: parse the
 * job payload, call one service, let errors propagate so the queue retries
 * with backoff.
 */
import type { Kysely } from "kysely";
import type { JobHelpers, TaskList } from "graphile-worker";
import type { GitHubClientFactory } from "../github/clients.js";
import { TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";
import { enrichPullRequest, type EnrichJob } from "../services/enrich-pull-request.js";
import { processDeliveryBatch, processDeliveryIds, processStaleDeliveries, TakenByBatch } from "../services/process-delivery-batch.js";
import { recordCommandDetailed, type CommandJob } from "../services/record-command.js";
import { DEFAULT_TEXT_RETENTION_DAYS, prunePayloads, pruneText } from "../services/prune-payloads.js";
import { answerCommand, queueCommandFollowUps, type AnswerJob } from "../services/answer-command.js";
import type { GitHubWriteSettings } from "../services/github-writes.js";
import { ReaderAccessCache } from "../services/reader-access.js";
import { queuePrComment, queuePrCommentsClosing, syncPrComment } from "../services/sync-pr-comment.js";
import { checkConfigChange } from "../services/check-config-change.js";
import { handleErasureEvent } from "../services/erasure-events.js";
import { DEFAULT_GRACE_DAYS, runDueErasures, runErasure, sweepOptedOut } from "../services/erasure-schedule.js";
import type { ErasureEventFollowUp } from "../github/normalise-delivery.js";
import type { BackfillJob } from "../services/backfill-jobs.js";
import { DEFAULT_MAX_RATE_LIMIT_WAITS, limitTasks } from "./job-limits.js";

export interface WorkerDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  detectDebounceSeconds: number;
  payloadRetentionDays: number;
  /** Days patches and comment bodies are kept (UNSUNG_TEXT_RETENTION_DAYS; 0 keeps them). */
  textRetentionDays?: number;
  /** Days between an uninstall (or a repository removed) and its erasure (UNSUNG_ERASURE_GRACE_DAYS). */
  erasureGraceDays?: number;
  /** Pending deliveries processed together in one transaction (1: one at a time). */
  processBatchSize?: number;
  /** Detector runs, wired in by the caller (they load config and facts). */
  detectPullRequest?: (repositoryId: number, number: number) => Promise<unknown>;
  detectIssue?: (repositoryId: number, number: number) => Promise<unknown>;
  /** Manual re-runs of one workflow in one calendar month ("YYYY-MM"). */
  detectReruns?: (repositoryId: number, workflow: string, month: string) => Promise<unknown>;
  /** One slice of a repository's backfill (src/services/backfill-jobs.ts), wired in by the caller. */
  backfill?: (job: BackfillJob) => Promise<unknown>;
  /** The redelivery sweep (src/services/sweep-deliveries.ts), wired in by the caller when the app has credentials. */
  sweepDeliveries?: () => Promise<unknown>;
  /** Longest run of one job (src/worker/job-limits.ts); default 15 minutes. */
  jobTimeLimitMs?: number;
  /** Rate-limit waits in a row before a job fails instead of waiting again. */
  maxRateLimitWaits?: number;
  /** Evidence comments and command answers are written to GitHub (absent: nothing is written). */
  githubWrites?: GitHubWriteSettings;
}

/** Erasures of a large tenant run in one transaction: they get longer. */
const LONG_TASKS: Record<string, number> = { [TASK.runErasure]: 6 * 3_600_000, [TASK.erasureSweep]: 6 * 3_600_000, [TASK.erasureEvent]: 6 * 3_600_000 };

function field<T>(payload: unknown, name: string, type: "string" | "number"): T {
  const v = (payload as Record<string, unknown> | null)?.[name];
  if (typeof v !== type) throw new Error(`job payload has no ${type} ${name}`);
  return v as T;
}

export function createTaskList(deps: WorkerDeps): TaskList {
  const taken = new TakenByBatch();
  const accessCache = new ReaderAccessCache();
  const writers = { db: deps.db, clients: deps.clients, now: deps.now, ...(deps.githubWrites ? { writes: deps.githubWrites } : {}) };
  const tasks: TaskList = {
    [TASK.processDelivery]: async (payload: unknown, helpers: JobHelpers) => {
      const alone = (payload as { alone?: unknown } | null)?.alone === true;
      await processDeliveryBatch(deps, field<string>(payload, "deliveryId", "string"), {
        number: helpers.job.attempts,
        max: helpers.job.max_attempts,
      }, deps.processBatchSize, taken, alone);
    },
    [TASK.processDeliveries]: async (payload: unknown, helpers: JobHelpers) => {
      await processDeliveryIds(deps, deliveryIdsOf(payload), helpers.job.max_attempts);
    },
    [TASK.processStaleDeliveries]: async (_payload: unknown, helpers: JobHelpers) => {
      await processStaleDeliveries(deps, helpers.job.max_attempts, deps.processBatchSize ? { batchSize: deps.processBatchSize } : {});
    },
    [TASK.enrichPullRequest]: async (payload: unknown) => {
      const job: EnrichJob = {
        installationId: field(payload, "installationId", "number"),
        repositoryId: field(payload, "repositoryId", "number"),
        owner: field(payload, "owner", "string"),
        repo: field(payload, "repo", "string"),
        number: field(payload, "number", "number"),
      };
      await enrichPullRequest(deps, job);
    },
    [TASK.recordCommand]: async (payload: unknown) => {
      const job: CommandJob = {
        commentId: field(payload, "commentId", "number"),
        repositoryId: field(payload, "repositoryId", "number"),
        issueNumber: field(payload, "issueNumber", "number"),
      };
      const result = await recordCommandDetailed(deps.db, job, { clients: deps.clients, now: deps.now, cache: accessCache });
      await queueCommandFollowUps(deps.db, job, result);
    },
    [TASK.detectPullRequest]: async (payload: unknown) => {
      await deps.detectPullRequest?.(field(payload, "repositoryId", "number"), field(payload, "number", "number"));
      // A merged pull request's evidence comment follows what the detectors now say.
      await queuePrComment(deps.db, field(payload, "repositoryId", "number"), field(payload, "number", "number"));
    },
    [TASK.syncPrComment]: async (payload: unknown) => {
      await syncPrComment(writers, {
        installationId: field(payload, "installationId", "number"),
        repositoryId: field(payload, "repositoryId", "number"),
        number: field(payload, "number", "number"),
      });
    },
    [TASK.answerCommand]: async (payload: unknown) => {
      await answerCommand(writers, answerJobOf(payload));
    },
    [TASK.detectIssue]: async (payload: unknown) => {
      await deps.detectIssue?.(field(payload, "repositoryId", "number"), field(payload, "number", "number"));
      // Its triage appears on the evidence comments of the merged pull requests that close it.
      await queuePrCommentsClosing(deps.db, field(payload, "repositoryId", "number"), field(payload, "number", "number"));
    },
    [TASK.detectReruns]: async (payload: unknown) => {
      await deps.detectReruns?.(field(payload, "repositoryId", "number"), field(payload, "workflow", "string"), field(payload, "month", "string"));
    },
    [TASK.checkConfig]: async (payload: unknown) => {
      await checkConfigChange(deps.clients, {
        installationId: field(payload, "installationId", "number"),
        repositoryId: field(payload, "repositoryId", "number"),
        owner: field(payload, "owner", "string"),
        repo: field(payload, "repo", "string"),
        number: field(payload, "number", "number"),
        headSha: field(payload, "headSha", "string"),
      });
    },
    [TASK.backfillRepository]: async (payload: unknown) => {
      await deps.backfill?.({
        installationId: field(payload, "installationId", "number"),
        repositoryId: field(payload, "repositoryId", "number"),
        owner: field(payload, "owner", "string"),
        repo: field(payload, "repo", "string"),
      });
    },
    [TASK.prunePayloads]: async () => {
      await prunePayloads(deps.db, deps.now(), deps.payloadRetentionDays);
      await pruneText(deps.db, deps.now(), deps.textRetentionDays ?? DEFAULT_TEXT_RETENTION_DAYS);
    },
    [TASK.erasureEvent]: async (payload: unknown) => {
      await handleErasureEvent({ ...deps, graceDays: deps.erasureGraceDays ?? DEFAULT_GRACE_DAYS }, erasureEventOf(payload));
    },
    [TASK.runErasure]: async (payload: unknown) => {
      await runErasure(deps, field<number>(payload, "erasureId", "number"));
    },
    [TASK.erasureSweep]: async () => {
      await sweepOptedOut(deps);
      await runDueErasures(deps);
    },
    [TASK.sweepDeliveries]: async () => {
      await deps.sweepDeliveries?.();
    },
  };
  return limitTasks(tasks, {
    timeLimitMs: deps.jobTimeLimitMs ?? 15 * 60_000,
    longTasks: LONG_TASKS,
    maxRateLimitWaits: deps.maxRateLimitWaits ?? DEFAULT_MAX_RATE_LIMIT_WAITS,
    now: () => deps.now().getTime(),
  });
}

/** The delivery ids of a `process-deliveries` job (at most a thousand, each a short string). */
export function deliveryIdsOf(payload: unknown): string[] {
  const ids = (payload as { deliveryIds?: unknown } | null)?.deliveryIds;
  if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => typeof id === "string" && id.length > 0 && id.length <= 200)) {
    throw new Error("job payload has no list of delivery ids");
  }
  return ids as string[];
}

/** A queued answer, checked field by field. */
function answerJobOf(payload: unknown): AnswerJob {
  const answer = (payload as { answer?: unknown } | null)?.answer as AnswerJob["answer"] | undefined;
  const kind = (answer as { kind?: unknown } | undefined)?.kind;
  if (kind !== "react" && kind !== "help" && kind !== "refuse") throw new Error("job payload has no answer");
  if (kind === "react" && !["+1", "rocket"].includes(String((answer as { content?: unknown }).content))) throw new Error("job payload has an unknown reaction");
  if (kind === "refuse" && typeof (answer as { refusal?: { reason?: unknown } }).refusal?.reason !== "string") throw new Error("job payload has no refusal");
  return {
    installationId: field(payload, "installationId", "number"),
    repositoryId: field(payload, "repositoryId", "number"),
    commentId: field(payload, "commentId", "number"),
    issueNumber: field(payload, "issueNumber", "number"),
    answer: answer!,
  };
}

/** A queued erasure event, checked field by field (a job payload is data, not trusted code). */
function erasureEventOf(payload: unknown): ErasureEventFollowUp {
  const event = field<string>(payload, "event", "string");
  const at = field<string>(payload, "at", "string");
  if (Number.isNaN(Date.parse(at))) throw new Error("job payload has no valid time at");
  const ids = (payload as { repositoryIds?: unknown }).repositoryIds;
  const repositoryIds = Array.isArray(ids) && ids.every((x) => Number.isSafeInteger(x)) ? (ids as number[]) : null;
  switch (event) {
    case "installation-deleted":
    case "installation-created":
      return { kind: "erasure-event", event, at, installationId: field(payload, "installationId", "number") };
    case "repositories-removed":
    case "repositories-added":
      if (!repositoryIds) throw new Error("job payload has no repositoryIds");
      return { kind: "erasure-event", event, at, installationId: field(payload, "installationId", "number"), repositoryIds };
    case "repository-changed":
      return { kind: "erasure-event", event, at, repositoryId: field(payload, "repositoryId", "number"), action: field(payload, "action", "string") };
    default:
      throw new Error(`job payload has an unknown erasure event ${JSON.stringify(event).slice(0, 60)}`);
  }
}

/** Housekeeping, in graphile-worker's crontab format. */
export const CRONTAB = `0 3 * * * ${TASK.prunePayloads}\n15 * * * * ${TASK.erasureSweep}\n*/10 * * * * ${TASK.sweepDeliveries}\n* * * * * ${TASK.processStaleDeliveries}\n`;
