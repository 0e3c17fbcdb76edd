/**
 * Serves a FakeGitHub through nock: every request to the base URL is answered
 * by the fake (a timeout fault becomes a request error with ETIMEDOUT, as a
 * socket timeout would). `done()` asserts the interceptors were used.
 */
import nock from "nock";
import type { FakeGitHub } from "../../bench/lib/fake-github/index.js";

export function serveWithNock(fake: FakeGitHub, baseUrl = "https://api.github.com"): nock.Scope {
  const answer = function (this: nock.ReplyFnContext, method: string) {
    return (uri: string, body: nock.Body, cb: (err: NodeJS.ErrnoException | null, result: nock.ReplyFnResult) => void) => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(this.req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
      fake
        .handle({ method, path: uri, headers, body: body === "" || body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body) })
        .then((a) => {
          if ("error" in a) {
            const err = Object.assign(new Error(a.error === "timeout" ? "request timed out" : "socket hang up"), { code: a.error === "timeout" ? "ETIMEDOUT" : "ECONNRESET" });
            cb(err, [0, ""]);
            return;
          }
          cb(null, [a.status, a.body, a.headers]);
        })
        .catch((err: Error) => cb(err, [0, ""]));
    };
  };
  return nock(baseUrl)
    .persist()
    .get(/.*/)
    .reply(function (uri, body, cb) {
      answer.call(this, "GET")(uri, body, cb);
    })
    .post(/.*/)
    .reply(function (uri, body, cb) {
      answer.call(this, "POST")(uri, body, cb);
    });
}
