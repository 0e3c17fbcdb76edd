/**
 * Every migration, by name. A static map (rather than reading a folder) so the
 * same list works from TypeScript sources in tests and from compiled files.
 */
import type { Migration } from "kysely";
import * as foundation from "./2026-11-21-0001-foundation.js";
import * as contributions from "./2026-11-21-0002-contributions.js";
import * as activityTimeIndexes from "./2026-11-21-0003-activity-time-indexes.js";
import * as payloadCompression from "./2026-11-21-0004-payload-compression.js";
import * as teamReportTallies from "./2026-11-21-0005-team-report-tallies.js";
import * as backfill from "./2026-12-04-0006-backfill.js";
import * as erasureAndTenancy from "./2026-12-04-0008-erasure-and-tenancy.js";
import * as retentionAndDispatch from "./2026-12-06-0010-retention-and-dispatch.js";
import * as liveness from "./2026-12-06-0011-liveness.js";
import * as prComments from "./2026-12-06-0012-pr-comments.js";
import * as webSessions from "./2026-12-06-0013-web-sessions.js";
import * as deliveryBatchJobs from "./2026-12-06-0014-delivery-batch-jobs.js";

export const migrations: Record<string, Migration> = {
  "2026-11-21-0001-foundation": foundation,
  "2026-11-21-0002-contributions": contributions,
  "2026-11-21-0003-activity-time-indexes": activityTimeIndexes,
  "2026-11-21-0004-payload-compression": payloadCompression,
  "2026-11-21-0005-team-report-tallies": teamReportTallies,
  "2026-12-04-0006-backfill": backfill,
  "2026-12-04-0008-erasure-and-tenancy": erasureAndTenancy,
  "2026-12-06-0010-retention-and-dispatch": retentionAndDispatch,
  "2026-12-06-0011-liveness": liveness,
  "2026-12-06-0012-pr-comments": prComments,
  "2026-12-06-0013-web-sessions": webSessions,
  "2026-12-06-0014-delivery-batch-jobs": deliveryBatchJobs,
};
