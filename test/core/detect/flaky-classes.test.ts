import { describe, expect, it } from "vitest";
import { classifyChange, type ChangeInput } from "../../../src/core/detect/classify-change.js";
import { globalMadePerTest, loosenedIn, retunedNumber } from "../../../src/core/detect/flaky-signals.js";

/** One test file changed by `patch`. */
function change(title: string, path: string, patch: string, extra: Partial<ChangeInput> = {}): ChangeInput {
  return { title, files: [{ path, additions: 3, deletions: 3, patch }], ...extra };
}
function verdict(input: ChangeInput): "fix" | "mitigation" | "neither" {
  const r = classifyChange(input).flakyFix;
  return r.is ? "fix" : r.quarantine ? "mitigation" : "neither";
}

const JAVA_LATCH = `@@ -30,6 +30,8 @@ class InboxListenerTest {
     listener.start();
     bus.publish(new Parcel("p-1"));
+    CountDownLatch received = new CountDownLatch(1);
+    assertTrue(receivedLatch.await(5, TimeUnit.SECONDS));
     assertEquals(1, inbox.size());`;

const NETTY_CLOSE_FUTURE = `@@ -50,6 +50,7 @@ public class RelayHandlerTest {
     channel.close();
+    channel.closeFuture().syncUninterruptibly();
     assertFalse(relay.isOpen());`;

const GO_CHANNEL = `@@ -21,7 +21,8 @@ func TestPingerStops(t *testing.T) {
 	p.Start()
-	time.Sleep(50 * time.Millisecond)
+	firstPing := p.Pinged()
+	<-firstPing
 	p.Stop()`;

const TS_ANIMATION_FRAME = `@@ -12,6 +12,7 @@ test("the banner fades in", async ({ page }) => {
   await page.click("#show");
+  await page.evaluate(() => new Promise(requestAnimationFrame));
   await expect(page.locator(".banner")).toHaveCSS("opacity", "1");`;

const JS_EVENT = `@@ -8,6 +8,7 @@ it("flushes the log on close", async () => {
   stream.end("bye");
+  await once(stream, "finish");
   expect(readFileSync(file, "utf8")).toBe("bye");`;

const GO_SHARED_CONFIG = `@@ -10,12 +10,12 @@ import "testing"
-var cfg = &Config{Endpoint: "/v1/resources"}
-
 func TestFetch(t *testing.T) {
+	cfg := &Config{Endpoint: "/v1/resources"}
 	got := fetch(cfg)`;

const GO_GLOBAL_DROPPED = `@@ -10,6 +10,5 @@ import "testing"
-var verbose = false
 func TestFetch(t *testing.T) {
 	got := fetch(nil)`;

const PY_REAL_HTTP = `@@ -4,7 +4,9 @@ import requests
 def test_status_page():
-    body = requests.get("https://example.com/status").text
+    responses.add(responses.GET, "https://status.test/", body="ok")
+    body = fetch_status("https://status.test/")
     assert body == "ok"`;

const GO_DIRECT_CALL = `@@ -30,9 +30,7 @@ func TestConvert(t *testing.T) {
-	srv := httptest.NewServer(handler)
-	defer srv.Close()
-	resp := scrapeOnce(t, srv.URL)
+	resp := loop.scrapeAndReport(testTime)
 	require.Equal(t, want, resp)`;

const RUBY_SLEEP_QUALIFIED = `@@ -40,7 +40,7 @@ class TestHandler < Minitest::Test
     start_server
-    sleep 1
+    sleep(jruby? ? 3 : 1)
     assert_equal "ok", get("/")`;

const RUBY_TIME_BOUND = `@@ -89,7 +89,7 @@ class TestRestart < TestIntegration
     restart_server
-    assert_operator Time.now - start, :<, (mac? ? 8 : 5)
+    assert_operator Time.now - start, :<, (mac? ? 8 : 6)
   end`;

const GO_TIMEOUT_CONSTANT = `@@ -30,6 +30,8 @@ import (
+const bootTime = 10 * time.Second
+
@@ -220,7 +222,7 @@ func TestBoot(t *testing.T) {
 	select {
-	case <-time.After(5 * time.Second):
+	case <-time.After(bootTime):
 		t.Fatal("not started")`;

const GO_LOOSENED_GUARD = `@@ -91,7 +91,7 @@ func testCounter(t *testing.T, tc counterCase) {
-	if ok != tc.wantOK || failed != tc.wantFailed {
+	if ok < tc.wantOK || failed > tc.wantFailed {
 		t.Fatalf("ok=%d failed=%d", ok, failed)`;

const KOTLIN_LOOSENED = `@@ -15,7 +15,7 @@ class QueueTest {
         drain(queue)
-        assertEquals(3, queue.delivered)
+        assertTrue(queue.delivered >= 3)
     }`;

const GO_FIX_WITH_TIMEOUT = `@@ -20,8 +20,10 @@ func TestKeepalive(t *testing.T) {
-	time.Sleep(100 * time.Millisecond)
+	pinged := make(chan struct{})
+	srv.OnPing(func() { close(pinged) })
+	<-pinged
 	cc := dial(t, srv, keepalive.ClientParameters{
-		Time: 10 * time.Millisecond,
+		Time: 20 * time.Millisecond,
 	})`;

const GO_TIMEOUT_ONLY = `@@ -20,6 +20,6 @@ func TestKeepalive(t *testing.T) {
 	cc := dial(t, srv, keepalive.ClientParameters{
-		Time: 10 * time.Millisecond,
+		Time: 20 * time.Millisecond,
 	})`;

const TEST_RENAME = `@@ -3,5 +3,5 @@ describe("truncation", () => {
-  const out = run("a".repeat(200));
-  expect(out).toContain("…");
+  const lines = run("a".repeat(200)).split("\\n");
+  expect(lines[0]).toContain("…");
 });`;

const PRODUCT_SHUTDOWN = `@@ -80,6 +80,9 @@ class GracefulShutdown {
   void shutDown() {
+    synchronized (this.monitor) {
+      this.shuttingDown = true;
+    }
     awaitInactiveOrAborted();`;

describe("flaky-test fix classes", () => {
  it.each([
    ["a latch awaited (Java)", "src/test/java/InboxListenerTest.java", JAVA_LATCH],
    ["a close future waited on (Netty)", "src/test/java/RelayHandlerTest.java", NETTY_CLOSE_FUTURE],
    ["a channel received instead of a sleep (Go)", "pinger_test.go", GO_CHANNEL],
    ["an animation frame awaited (TS)", "tests/banner.spec.ts", TS_ANIMATION_FRAME],
    ["an event awaited (JS)", "test/log.test.js", JS_EVENT],
    ["a shared global made per test (Go)", "fetch_test.go", GO_SHARED_CONFIG],
    ["real HTTP replaced by a fake (Python)", "tests/test_status.py", PY_REAL_HTTP],
    ["a real server replaced by a direct call (Go)", "convert_test.go", GO_DIRECT_CALL],
  ])("%s with a flaky word is a fix", (_, path, patch) => {
    const r = classifyChange(change("Fix flaky test", path, patch)).flakyFix;
    expect(r.is).toBe(true);
    expect(r.patterns.length).toBeGreaterThan(0);
  });

  it.each([
    ["a latch awaited", "src/test/java/InboxListenerTest.java", JAVA_LATCH],
    ["a real server replaced by a direct call", "convert_test.go", GO_DIRECT_CALL],
  ])("%s without any flaky word is not claimed", (_, path, patch) => {
    expect(verdict(change("Tidy the test", path, patch))).toBe("neither");
  });

  it("a global that is only deleted is not made per test; one redeclared inside a test is", () => {
    expect(globalMadePerTest(GO_GLOBAL_DROPPED)).toBeNull();
    expect(globalMadePerTest(GO_SHARED_CONFIG)).toBe("cfg");
    expect(globalMadePerTest("-var x = 1\n+\tx := 2")).toBeNull(); // names under two letters are noise
  });

  it("unflake / stabilise wording names a fix, and names what it is about", () => {
    expect(verdict(change("test: unflake the truncation test", "test/truncate.test.ts", TEST_RENAME))).toBe("fix");
    expect(verdict(change("Stabilise the banner tests", "tests/banner.spec.ts", TS_ANIMATION_FRAME))).toBe("fix");
    const r = classifyChange(change("test: unflake the truncation test", "test/truncate.test.ts", TEST_RENAME)).flakyFix;
    expect(r.evidence.join(" ")).toContain("unflake");
  });

  it("unflake wording with a skip added is a mitigation, never a fix", () => {
    const skip = `@@ -1,3 +1,3 @@\n-it("fades in", async () => {\n+it.skip("fades in", async () => {\n   await show();`;
    expect(verdict(change("test: unflake banner", "tests/banner.spec.ts", skip))).toBe("mitigation");
  });

  it("a fix family beats an incidental timeout change; the timeout alone stays a mitigation", () => {
    expect(verdict(change("transport: fix race in TestKeepalive", "internal/transport/keepalive_test.go", GO_FIX_WITH_TIMEOUT))).toBe("fix");
    const r = classifyChange(change("transport: fix race in TestKeepalive", "internal/transport/keepalive_test.go", GO_FIX_WITH_TIMEOUT)).flakyFix;
    expect(r.evidence.join(" ")).toContain("hides flakiness rather than fixing it");
    expect(verdict(change("transport: fix flaky TestKeepalive", "internal/transport/keepalive_test.go", GO_TIMEOUT_ONLY))).toBe("mitigation");
  });

  it("a “fix flaky” change to a test helper outside the test globs is test code, not product code", () => {
    const patch = `@@ -40,6 +40,9 @@ func (h *fakeHandshaker) reply() {\n+\tfor len(h.pending) < frameCount {\n+\t\th.readMore()\n+\t}\n \th.write(h.pending)`;
    const files = (path: string) => [{ path, additions: 3, deletions: 0, patch }];
    expect(verdict({ title: "alts: fix flaky handshake test", files: files("alts/internal/testutil/fake_handshaker.go") })).toBe("fix");
    const r = classifyChange({ title: "alts: fix flaky handshake test", files: files("alts/internal/testutil/fake_handshaker.go") }).flakyFix;
    expect(r.evidence.join(" ")).toContain("Touches only test code");
    expect(verdict({ title: "alts: speed up the handshake test", files: files("alts/internal/testutil/fake_handshaker.go") })).toBe("neither");
  });

  it("a product race is a fix when the message ties it to a flaky test, not otherwise", () => {
    const files = [{ path: "src/main/java/web/GracefulShutdown.java", additions: 3, deletions: 0, patch: PRODUCT_SHUTDOWN }];
    const tied = { title: "Eliminate race condition in graceful shutdown", body: "This made GracefulShutdownTests flaky on CI.", files };
    expect(verdict(tied)).toBe("fix");
    expect(verdict({ ...tied, body: "Found while reading the code." })).toBe("neither");
    expect(verdict({ ...tied, body: "The flaky Wi-Fi at the office is unrelated." })).toBe("neither");
  });
});

describe("mitigations the number patterns used to miss", () => {
  it.each([
    ["a sleep gaining a qualifier (Ruby)", "test/test_handler.rb", RUBY_SLEEP_QUALIFIED],
    ["a time bound inside an assertion 5 → 6 (Ruby)", "test/test_restart.rb", RUBY_TIME_BOUND],
    ["a timeout moved into a named constant (Go)", "cmd/app/main_test.go", GO_TIMEOUT_CONSTANT],
    ["a guard loosened from != to < (Go)", "counter_test.go", GO_LOOSENED_GUARD],
    ["an exact assertion loosened into >= (Kotlin)", "src/test/kotlin/QueueTest.kt", KOTLIN_LOOSENED],
  ])("%s under a “fix flaky” title is a mitigation, not a fix", (_, path, patch) => {
    const r = classifyChange(change("Fix flaky test", path, patch)).flakyFix;
    expect(r.is).toBe(false);
    expect(r.quarantine).toBe(true);
  });

  it("an expected value changed in an assertion is not a retune, nor an equality kept equal", () => {
    expect(retunedNumber("-    assert_equal 5, items.size\n+    assert_equal 6, items.size", true)).toBeNull();
    expect(loosenedIn("-    assertEquals(3, q.size())\n+    assertEquals(4, q.size())")).toBeNull();
    expect(loosenedIn("-    if got != want {\n+    if got != nil {")).toBeNull();
    // A -> arrow or => is not a comparison.
    expect(loosenedIn("-    assert_equal(a, b)\n+    assert_equal(a, b.map { |x| x => 1 })")).toBeNull();
  });

  it("a sleep replaced by a condition is not a qualified sleep", () => {
    expect(loosenedIn("-    sleep 1\n+    sleep(0.1) until ready?")).toBeNull();
  });

  it("a timeout moved into a constant that is not declared in the change is not flagged", () => {
    expect(loosenedIn("-\tcase <-time.After(5 * time.Second):\n+\tcase <-time.After(bootTime):")).toBeNull();
  });

  it("hostile input: long lines and many pairs finish and find nothing", () => {
    const long = `-${"x".repeat(50_000)}\n+${"y".repeat(50_000)}\n`.repeat(50);
    const t = Date.now();
    expect(loosenedIn(long)).toBeNull();
    expect(globalMadePerTest(long)).toBeNull();
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
