/**
 * The process environment, validated once at start-up (fail fast, frozen).
 * Probot's standard variables plus Unsung's own.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Decimal digits only: Number() would read " " as 0 (a random port), "0x50" as 80 and "1e3" as 1000.
const int = (def: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(def);
const flag = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  /** GitHub App id (Probot standard). */
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App id").optional(),
  /** The app's private key, PEM text (Probot standard). Newlines may be escaped as \n. */
  PRIVATE_KEY: z.string().optional(),
  /** Path to the app's private key file (Probot standard). */
  PRIVATE_KEY_PATH: z.string().optional(),
  /** The secret GitHub signs webhooks with (Probot standard). */
  WEBHOOK_SECRET: z.string().min(1).optional(),
  /** HTTP port (Probot standard). */
  PORT: int(3000, 0, 65535),
  /** Interface to listen on. */
  HOST: z.string().default("0.0.0.0"),
  /** trace, debug, info, warn, error, fatal (Probot standard). */
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  /** PostgreSQL URL; when unset, the embedded database in UNSUNG_DATA_DIR is used. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional(),
  /** Directory of the embedded database (default .unsung/data under the working directory). */
  UNSUNG_DATA_DIR: z.string().default(".unsung/data"),
  /** Largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB). */
  UNSUNG_MAX_BODY_BYTES: int(25 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  /** Webhook requests one client address may have in flight at once (more are answered 429 without being read). */
  UNSUNG_INTAKE_PER_SOURCE: int(256, 1, 10_000),
  /** Webhook bodies over 1 MiB read at once, in all (at most 2 per client address); more are answered 503 without being read. */
  UNSUNG_INTAKE_LARGE_CONCURRENCY: int(4, 1, 64),
  /** Reverse proxies in front of `serve` whose X-Forwarded-For entries are trusted to name the client (0: the peer address). */
  UNSUNG_TRUSTED_PROXY_HOPS: int(0, 0, 10),
  /** Days to keep raw payloads of processed, ignored and failed (parked) deliveries (0 keeps them forever). */
  UNSUNG_PAYLOAD_RETENTION_DAYS: int(90, 0, 3650),
  /** Days to keep pull request patches and review/comment bodies after their subject's last update (0 keeps them forever). */
  UNSUNG_TEXT_RETENTION_DAYS: int(730, 0, 3650),
  /**
   * Days between an uninstall (or a repository removed from the installation) and the erasure of its
   * data; a re-install within them cancels it. 0: erased at the next run of the erasure job.
   */
  UNSUNG_ERASURE_GRACE_DAYS: int(7, 0, 365),
  /**
   * Seconds `serve` and `worker` keep trying a PostgreSQL server that does not answer when they
   * start (0: fail at once); a database that answers with an error fails at once either way.
   */
  UNSUNG_DB_STARTUP_WAIT_SECONDS: int(300, 0, 86_400),
  /** Jobs a worker runs at once. */
  UNSUNG_WORKER_CONCURRENCY: int(4, 1, 64),
  /**
   * Longest run of one queue job, in seconds: past it the job fails (and is retried with back-off)
   * so a hung call cannot hold a worker. Erasures get at least six hours.
   */
  UNSUNG_JOB_TIME_LIMIT_SECONDS: int(900, 5, 86_400),
  /** Attempts before a delivery is parked as failed. */
  UNSUNG_MAX_ATTEMPTS: int(5, 1, 25),
  /** Run the worker inside `unsung serve` (set false when workers run as their own processes). */
  UNSUNG_RUN_WORKER: flag(true),
  /** Seconds to wait for more events on a subject before re-running its detectors. */
  UNSUNG_DETECT_DEBOUNCE_SECONDS: int(5, 0, 3600),
  /** A file of recorded GitHub API responses to use instead of the network (replay and demo). */
  UNSUNG_GITHUB_RECORDINGS: z.string().optional(),
  /** GitHub API base URL, for GitHub Enterprise Server (wins over GHE_HOST). */
  GITHUB_API_URL: z.string().url().optional(),
  /** GitHub Enterprise Server host name, Probot's convention (e.g. github.example.com). */
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, "must be a host name (and port), without a scheme or path")
    .optional(),
  /** Protocol for GHE_HOST (Probot's convention). */
  GHE_PROTOCOL: z.enum(["https", "http"]).default("https"),
  /** A token for `unsung backfill` when the app's credentials are not set (a personal or fine-grained token that can read the repositories). */
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** Days of history a backfill reads by default (on installation, and by `unsung backfill` without --since); `.github/unsung.yml` backfill.days wins. */
  UNSUNG_BACKFILL_DAYS: int(365, 1, 3650),
  /** The GitHub App's OAuth client id, for "Sign in with GitHub" on the dashboard (Probot standard). */
  GITHUB_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the app's client id").optional(),
  /** The GitHub App's OAuth client secret (Probot standard); also keys the encryption of stored sign-in tokens. */
  GITHUB_CLIENT_SECRET: z.string().min(16, "must be the app's client secret").optional(),
  /** The dashboard's public address (https://unsung.example.com), for the sign-in callback; else taken from each request. */
  UNSUNG_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/?#]+\/?$/, "must be http(s)://host[:port] without a path")
    .optional(),
  /** Hours a dashboard sign-in lasts (at most as long as GitHub's token). */
  UNSUNG_SESSION_HOURS: int(8, 1, 24 * 30),
});

export type Env = Readonly<
  Omit<z.infer<typeof schema>, "PRIVATE_KEY" | "PRIVATE_KEY_PATH"> & {
    /** The private key text, read from PRIVATE_KEY or PRIVATE_KEY_PATH. */
    PRIVATE_KEY: string | undefined;
    /** Absolute path of the embedded database directory. */
    dataDir: string;
    /** True when APP_ID and a private key are both set. */
    hasGitHubCredentials: boolean;
  }
>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Reads and validates the environment; throws EnvError listing every problem. */
export function readEnv(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Env {
  // Empty strings mean "unset" (common in .env files and compose).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  let privateKey = e.PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (!privateKey && e.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(path.resolve(cwd, e.PRIVATE_KEY_PATH), "utf8");
    } catch (err) {
      throw new EnvError(`invalid environment:\n  PRIVATE_KEY_PATH: cannot read ${e.PRIVATE_KEY_PATH} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  if (privateKey && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
    // Never echo the value: it is a secret.
    const source = e.PRIVATE_KEY ? "PRIVATE_KEY" : `PRIVATE_KEY_PATH: ${e.PRIVATE_KEY_PATH}`;
    throw new EnvError(`invalid environment:\n  ${source}: is not a PEM private key`);
  }
  return Object.freeze({
    ...e,
    PRIVATE_KEY: privateKey,
    dataDir: path.resolve(cwd, e.UNSUNG_DATA_DIR),
    hasGitHubCredentials: Boolean(e.APP_ID && privateKey),
  });
}
