/**
 * The backfill's promise about API calls: at most 6 per 100 pull requests
 * plus 4 per repository, counting every call except installation-token
 * requests. Pure arithmetic, shared by the CLI's summary, the tests and the
 * benchmark.
 */

export const CALLS_PER_100_PULL_REQUESTS = 6;
export const CALLS_PER_REPOSITORY = 4;

/** The most calls a backfill of `repositories` repositories holding `pullRequests` pull requests may make. */
export function callBudget(pullRequests: number, repositories: number): number {
  return Math.floor((CALLS_PER_100_PULL_REQUESTS * pullRequests) / 100 + CALLS_PER_REPOSITORY * repositories);
}

/** Calls per 100 pull requests, one decimal; null without pull requests. */
export function callsPer100(calls: number, pullRequests: number): number | null {
  return pullRequests > 0 ? Math.round((calls / pullRequests) * 1000) / 10 : null;
}
