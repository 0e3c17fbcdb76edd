/**
 * Whether an error means the database could not be reached at all (nothing answered), as opposed
 * to a database that answered with an error: network failures by code, PostgreSQL's
 * cannot_connect_now (57P03: starting up, shutting down, in recovery, not yet accepting
 * connections), or by message once wrapped (e.g. by the migrator), and pg's connect timeouts —
 * not a statement timeout or "disconnected".
 */
const UNREACHABLE_CODES = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|57P03)\b/;
const UNREACHABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated (due to connection timeout|unexpectedly)|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i;

export function isUnreachable(err: unknown): boolean {
  const chain: unknown[] = [];
  for (let c: unknown = err; c && chain.length < 5; c = (c as { cause?: unknown }).cause) chain.push(c);
  return chain.some((c) => {
    const x = c as { code?: unknown; message?: unknown };
    const text = `${typeof x.code === "string" ? x.code : ""} ${typeof x.message === "string" ? x.message : ""}`;
    return UNREACHABLE_CODES.test(text) || UNREACHABLE_MESSAGES.test(text);
  });
}
