/** What `unsung stats --json` prints for a freshly migrated, empty database (the keys the issue requires). */
export const EMPTY_STATS = {
  deliveries: { total: 0, pending: 0, failed: 0 },
  installations: 0,
  repositories: 0,
  people: 0,
  pullRequests: 0,
  reviews: 0,
  reviewComments: 0,
  issues: 0,
  issueComments: 0,
  checkRuns: 0,
  workflowRuns: 0,
  commits: 0,
} as const;
