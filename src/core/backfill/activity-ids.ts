/**
 * Issue activity has no GitHub id of its own in webhooks: it is keyed by the
 * delivery that carried it. Activity read by a backfill is keyed by the API's
 * event node id under this prefix, so the store can tell the two apart and
 * keep one row per event (src/store/write-facts.ts).
 */
export const BACKFILL_ACTIVITY_PREFIX = "backfill:";
