#!/usr/bin/env python3
"""Draw the commits for flaky-commits-4.jsonl from git mirrors, deterministically.

    python3 bench/eval/sample-commits-4.py MIRROR_ROOT > /tmp/sample-4.tsv

A fourth, split set from seven repositories none of the other sets draws from, in Go, Python, C#,
JavaScript, Kotlin, Ruby and Java. The strata are those of sample-commits-2.py (same keyword,
mitigation, bot and back-port rules, commits from 2021-01-01 on, repeated subjects dropped), read
from each repository's pinned tip, walked without rename detection as sample-commits-3.py does:

  flaky-word  keyword commits whose message says flaky/intermittent/sporadic/unstable/
              nondeterministic outright (where most fixes are)
  mitigation  the message speaks of skipping/disabling/retrying/longer timeouts and of
              flakiness, timing, hangs or slowness, and the subject is about tests or CI
  keyword     the other keyword commits (flakiness, races, timing, timeouts, retries, sleeps ...)
  test-only   every changed file is a test file or a change-log fragment, and no keyword

The test-file rule of sample-commits-2.py is widened to the test-file names of these languages
(Go `_test.go`, C# and Kotlin `...Test(s)` classes, .NET `*.Tests` projects, JavaScript `test/`
folders were already covered).

From each stratum of each repository a fixed number is drawn with random.Random seeded by
(SEED, repo, stratum). Output: one tab-separated line per drawn commit: repo, sha, stratum, subject.
"""
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sample2 = _load("sample2", "sample-commits-2.py")
sample3 = _load("sample3", "sample-commits-3.py")
sample2.commits = sample3.commits  # no rename detection

SEED = "unsung-flaky-4"

# repo -> pinned tip (the snapshot HEAD when the set was drawn)
REPOS = {
    "nats-io/nats-server": "1787eee035cf0253c201fa0f05afad92b6f296dc",
    "dask/distributed": "40fcd99a8cd41c39071a16a546e93a9298f1b64d",
    "akkadotnet/akka.net": "07c2b51640e94bdc35dcff15155abb5bcbe4d8e2",
    "nodejs/undici": "7eb7c8ec8f23acd9c3da93a286162f8c1dc68326",
    "Kotlin/kotlinx.coroutines": "792ac67bdcd5592e5764753e623a9e8c6e4bcb29",
    "sidekiq/sidekiq": "1bb4aa06e5aa178a114a5e855f9f3d5c24f6c61b",
    "testcontainers/testcontainers-java": "deb78e1e6e47675f56e8d7b3f4747093d66f1baa",
}

# more flaky-word and mitigation draws than 10/4 where the pools allow, so the set holds enough
# fixes and mitigations (akka.net, sidekiq and testcontainers-java have few of either)
QUOTA = {"flaky-word": 12, "mitigation": 6, "keyword": 4, "test-only": 4}

MORE_TEST_FILES = re.compile(
    r"(?:^|/)(?:[^/]*_test\.go|[^/]*Tests?\.(?:cs|kt|java)|[^/]*\.Tests?(?:\.[\w.]+)?/.*"
    r"|[^/]*Spec\.(?:cs|kt))$")
_is_test = sample2.is_test
sample2.is_test = lambda path: _is_test(path) or bool(MORE_TEST_FILES.search(path))


def draw_all(root, repos, seed, quota=QUOTA):
    """Draws each repository's strata from its pinned tip (sample-commits-5.py reuses this)."""
    for repo, tip in repos.items():
        gdir = sample2.git_dir(root, repo)
        pools = sample2.strata(gdir, tip)
        by = sample3.by_stratum(pools)
        by["test-only"] = sorted(pools["test-only"])
        sample3.draw(repo, by, quota, seed)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sample-commits-4.py MIRROR_ROOT")
    draw_all(sys.argv[1], REPOS, SEED)


if __name__ == "__main__":
    main()
