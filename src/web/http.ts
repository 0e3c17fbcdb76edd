/**
 * HTTP plumbing of the dashboard: security headers on every answer, HTML, redirects, downloads,
 * and reading a small form body (capped; anything else refused with a clear status).
 */
import type http from "node:http";

/** Pages: nothing but our own stylesheet and forms to ourselves; no script at all, no framing. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const COMMON: Record<string, string> = {
  "x-content-type-options": "nosniff",
  // Not "no-referrer": with it browsers send "Origin: null" on our own form posts, which the
  // origin check must refuse. "same-origin" still tells other sites nothing.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
};

export function securityHeaders(res: http.ServerResponse, csp = PAGE_CSP): void {
  for (const [k, v] of Object.entries(COMMON)) res.setHeader(k, v);
  res.setHeader("content-security-policy", csp);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string, opts: { cache?: boolean } = {}): void {
  securityHeaders(res);
  res.setHeader("cache-control", opts.cache ? "public, max-age=300" : "no-store");
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}

export function sendText(res: http.ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  securityHeaders(res, "default-src 'none'; frame-ancestors 'none'; sandbox");
  res.setHeader("cache-control", "no-store");
  res.writeHead(status, { "content-type": type });
  res.end(text.endsWith("\n") ? text : text + "\n");
}

/** A file to save, never rendered in the dashboard's origin as a page. */
export function sendDownload(res: http.ServerResponse, body: string, type: string, filename: string, csp = "default-src 'none'; frame-ancestors 'none'; sandbox"): void {
  securityHeaders(res, csp);
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-disposition", `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
  res.writeHead(200, { "content-type": type });
  res.end(body);
}

export function redirect(res: http.ServerResponse, location: string, status = 303, cookies: string[] = []): void {
  securityHeaders(res);
  res.setHeader("cache-control", "no-store");
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.writeHead(status, { location });
  res.end();
}

export const MAX_FORM_BYTES = 16 * 1024;

export type FormResult = { ok: true; form: URLSearchParams } | { ok: false; status: 413 | 415 | 400 };

/** An application/x-www-form-urlencoded body of at most MAX_FORM_BYTES. */
export function readForm(req: http.IncomingMessage, max = MAX_FORM_BYTES): Promise<FormResult> {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    req.resume();
    return Promise.resolve({ ok: false, status: 415 });
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.resolve({ ok: false, status: 413 });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: FormResult) => {
      if (!done) (done = true), resolve(r);
    };
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        return finish({ ok: false, status: 413 });
      }
      chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.includes("\uFFFD")) return finish({ ok: false, status: 400 });
      finish({ ok: true, form: new URLSearchParams(text) });
    });
    req.on("error", () => finish({ ok: false, status: 400 }));
  });
}

/** Whether the client asked for a page (a browser) rather than data. */
export function wantsHtml(format: string | null): boolean {
  return format === null || format === "html";
}
