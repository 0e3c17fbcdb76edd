#!/usr/bin/env python3
"""Draw the commits for flaky-commits-5.jsonl from git mirrors, deterministically.

    python3 bench/eval/sample-commits-5.py MIRROR_ROOT > /tmp/sample-5.tsv

A fifth, split set from seventeen repositories none of the other sets draws from, in Go, Java,
Kotlin, Python, C#, JavaScript/TypeScript and Ruby. The strata, the rules and the quotas are those
of sample-commits-4.py (same keyword, mitigation, bot and back-port rules, commits from 2021-01-01
on, repeated subjects dropped, walked without rename detection, the same widened test-file rule),
read from each repository's pinned tip:

  flaky-word  keyword commits whose message says flaky/intermittent/sporadic/unstable/
              nondeterministic outright (where most fixes are)
  mitigation  the message speaks of skipping/disabling/retrying/longer timeouts and of
              flakiness, timing, hangs or slowness, and the subject is about tests or CI
  keyword     the other keyword commits (flakiness, races, timing, timeouts, retries, sleeps ...)
  test-only   every changed file is a test file or a change-log fragment, and no keyword

From each stratum of each repository a fixed number is drawn with random.Random seeded by
(SEED, repo, stratum), so adding a repository leaves the others' draws unchanged. Output: one
tab-separated line per drawn commit: repo, sha, stratum, subject.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

_spec = importlib.util.spec_from_file_location("sample4", os.path.join(HERE, "sample-commits-4.py"))
sample4 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample4)

SEED = "unsung-flaky-5"

# repo -> pinned tip (the snapshot HEAD when the set was drawn)
REPOS = {
    "temporalio/temporal": "6805caea59e35d0611ed96be69641b8d86bff11c",
    "eclipse-vertx/vert.x": "d9e1080b4b8eeeb1d35522640e639055f0e4f645",
    "python-trio/trio": "60d0c2f84854ec6ef74995663dcdce3296840485",
    "redis/redis-py": "34817ce2a2accc893a81180fe737e0c4f5ac6b0c",
    "ruby-concurrency/concurrent-ruby": "cc5a32fe96ba9b118752bd9b60548259580d2f1c",
    "StackExchange/StackExchange.Redis": "90bbf1fcba1c9cc464c94b96d16c2706f590383f",
    "JetBrains/Exposed": "1be664715fc581cda0ec6141b2914908dabe184e",
    "socketio/socket.io": "d2d753fed4435015c2d83fe62e676b44e07fa3f7",
    "jestjs/jest": "52db46e50404c993d3f10dd1481e861cc04ae22e",
    "dotnet/orleans": "e558829b0b0f696e98c222438106e643fb53928f",
    "reactor/reactor-core": "c4900cdb414dcc5e0c5f0baa000bfe61d2638f38",
    "apollographql/apollo-kotlin": "1a3105c79d907701a9408d3f5fe57fe2023fcfa6",
    "ipython/ipykernel": "dfb3467ba8939b7183d0fd6367ca7d538858b871",
    "dapr/dapr": "d8450742ce3260d93a2346f4398a1e60d019a45b",
    "socketry/async": "30cfe50eccd531d028403d0ae8925826b141ca45",
    "mswjs/msw": "8a19d5485adad2b8a816e04a937f4c76169cd5b9",
    "jupyter/jupyter_client": "8d760b1efeff2ac7aa2b4b75c44023e59c6945f8",
}

def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sample-commits-5.py MIRROR_ROOT")
    sample4.draw_all(sys.argv[1], REPOS, SEED)  # set 4's strata, quotas and test-file rule


if __name__ == "__main__":
    main()
