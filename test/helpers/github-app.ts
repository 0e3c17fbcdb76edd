/**
 * App credentials for tests that go through the app's own authentication (APP_ID + a private key
 * generated here, never a real one), and the installation-token exchange mocked with nock.
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";

export const API = "https://api.github.com";
export const TEST_APP_ID = "424242";

let key: string | undefined;

/** A freshly generated RSA key (PKCS#8 PEM), once per test file. */
export function testPrivateKey(): string {
  key ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return key;
}

export function appEnv(): Record<string, string> {
  return { APP_ID: TEST_APP_ID, PRIVATE_KEY: testPrivateKey() };
}

/** GitHub hands the app a token for the installation. */
export function nockInstallationToken(installationId: number): nock.Scope {
  return nock(API)
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: `ghs_test_${installationId}`, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { metadata: "read" }, repository_selection: "all" });
}

/** nock for one test file: no network but loopback; every scope must be used. */
export function nockStrict(hooks: { beforeEach: (fn: () => void) => void; afterEach: (fn: () => void) => void }, expectDone: (pending: string[]) => void): void {
  hooks.beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
  });
  hooks.afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expectDone(pending);
  });
}
