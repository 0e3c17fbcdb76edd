/** Posts one signed webhook delivery, as GitHub does (used by the demo and the benchmark). */
import { createHmac } from "node:crypto";
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export function postSigned(url: string, secret: string, event: string, id: string, body: string): Promise<number> {
  const signature = "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-github-event": event,
          "x-github-delivery": id,
          "x-hub-signature-256": signature,
          "user-agent": "GitHub-Hookshot/unsung",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
