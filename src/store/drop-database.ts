/**
 * Drops a throw-away database (tests', benchmarks') on the server of
 * `adminUrl`. pg's Pool#end resolves before its connections have finished
 * closing, and forcing the drop at that moment sends a closing client a FATAL
 * ("terminating connection due to administrator command") that pg reports as
 * an uncaught error: so this waits, a few seconds at most, until the
 * database has no connections left, then drops it (forcing out any that
 * remain).
 */
import pg from "pg";

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`not a database name this drops: ${JSON.stringify(name)}`);
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const r = await admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
      if (!r.rows[0]?.n) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
