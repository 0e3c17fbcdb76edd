import { sql, type Kysely } from "kysely";

/**
 * Raw payloads compress several-fold with lz4, which is also much cheaper to
 * write than the default pglz. Servers built without lz4 (and the embedded
 * database) keep pglz: the statement is skipped there, not failed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$ begin
      alter table deliveries alter column payload set compression lz4;
    exception when others then
      raise notice 'lz4 compression is not available: payloads keep the default compression';
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries alter column payload set compression default`.execute(db);
}
