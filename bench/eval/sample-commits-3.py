#!/usr/bin/env python3
"""Draw the commits for flaky-commits-3.jsonl from git mirrors, deterministically.

    python3 bench/eval/sample-commits-3.py MIRROR_ROOT > /tmp/sample-3.tsv

A third, tuning-only set: more flaky fixes and mitigations from the thirteen repositories of the
other three sets, so that the tagger is tuned on more than the tuning halves. Commits already in
flaky-dev.jsonl, flaky-commits-1.jsonl or flaky-commits-2.jsonl are left out.

The strata are those of sample-commits-2.py (same keyword, mitigation, bot and back-port rules,
commits from 2021-01-01 on, repeated subjects dropped), read from each repository's pinned tip:

  flaky-word  keyword commits whose message says flaky/intermittent/sporadic/unstable/
              nondeterministic outright (where most fixes are)
  mitigation  the message speaks of skipping/disabling/retrying/longer timeouts and of
              flakiness, timing, hangs or slowness, and the subject is about tests or CI
  keyword     the other keyword commits (flakiness, races, timing, timeouts, retries, sleeps ...)

From each stratum of each repository a fixed number is drawn with random.Random seeded by
(SEED, repo, stratum). Output: one tab-separated line per drawn commit: repo, sha, stratum, subject.
"""
import importlib.util
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("sample2", os.path.join(HERE, "sample-commits-2.py"))
sample2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample2)

SEED = "unsung-flaky-3"

# repo -> pinned tip (the snapshot HEAD when the set was drawn)
REPOS = {
    "aio-libs/aiohttp": "495e778360d1924da63e16dba0f0d76baf56a56a",
    "celery/celery": "5dc781f0bd5f36186bfcc74e0a4f9f654452c69b",
    "etcd-io/etcd": "c34dc7ee0048fd2bcc44d50beff002e5e8069b69",
    "grpc/grpc-go": "4793ad0474669eafbd5346c8a3d098fdfa542498",
    "ktorio/ktor": "ef92e5537d7465961f1b3f2b21e217fc35bcfa1f",
    "microsoft/playwright": "d4e1023f6c03a8dced50eb3db88c2217e7c1a86a",
    "netty/netty": "0bb88a3e061f77355627e7fd7fc170ffdada7578",
    "npgsql/npgsql": "3cb5804b769b000a1fc88ad8e5e764667f0df4a1",
    "prometheus/prometheus": "d15adb9ad7e5d9fbde3a9a8f30200593a5a14d86",
    "puma/puma": "ff2e2126ee2f0f97e21c57ce1967afde1b6f05a1",
    "spring-projects/spring-boot": "c329ffa25dc160a90ebe5e4b006ad4cdf89d8683",
    "square/okhttp": "1682d9bac8c03dffde2969b0b74d47649d0dbb52",
    "vitest-dev/vitest": "c3ba16b35847d27fb9f01f38cdcb047c77e121f8",
}

QUOTA = {"flaky-word": 6, "mitigation": 2, "keyword": 2}
OTHER_SETS = ("flaky-dev.jsonl", "flaky-commits-1.jsonl", "flaky-commits-2.jsonl")


def commits(gdir, tip):
    """sample-commits-2.py's walk without rename detection (the ktor snapshot lacks some large
    blobs, which rename detection would read)."""
    fmt = "%x01%H%x02%an%x02%B%x03"
    out = subprocess.run(
        ["git", "--git-dir", gdir, "-c", "core.quotepath=off", "log", "--no-merges", "--topo-order", "--no-renames",
         "--since=" + sample2.SINCE, "--format=" + fmt, "--name-only", tip],
        check=True, stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
    for rec in out.split("\x01")[1:]:
        head, _, names = rec.partition("\x03")
        sha, author, msg = head.split("\x02", 2)
        yield sha, author, msg.strip(), [n for n in names.splitlines() if n.strip()]


sample2.commits = commits


def labelled():
    out = set()
    for name in OTHER_SETS:
        with open(os.path.join(HERE, name), encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    out.add(json.loads(line)["sha"])
    return out


def by_stratum(pools, keep=sorted):
    """The keyword pool parted into flaky-word and keyword commits, plus the mitigation pool;
    `keep` filters and orders each (sorted, so a draw does not depend on history order)."""
    flaky = {sha for sha, _s, msg in pools["keyword-messages"] if sample2.FLAKY_WORD.search(msg)}
    return {
        "flaky-word": keep((sha, s) for sha, s in pools["keyword"] if sha in flaky),
        "mitigation": keep(pools["mitigation"]),
        "keyword": keep((sha, s) for sha, s in pools["keyword"] if sha not in flaky),
    }


def draw(repo, by, quota, seed):
    """Prints quota[stratum] commits drawn from each stratum, seeded by (seed, repo, stratum)."""
    for stratum, n in quota.items():
        rng = random.Random("%s:%s:%s" % (seed, repo, stratum))
        for sha, subject in rng.sample(by[stratum], min(n, len(by[stratum]))):
            print("\t".join((repo, sha, stratum, subject)))
    sys.stderr.write("%s: %s\n" % (repo, ", ".join("%s %d" % (k, len(v)) for k, v in by.items())))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sample-commits-3.py MIRROR_ROOT")
    root = sys.argv[1]
    taken = labelled()
    for repo, tip in REPOS.items():
        gdir = sample2.git_dir(root, repo)
        pools = sample2.strata(gdir, tip)
        fresh = lambda rows: sorted(r for r in rows if not any(r[0].startswith(t) or t.startswith(r[0]) for t in taken))
        draw(repo, by_stratum(pools, fresh), QUOTA, SEED)


if __name__ == "__main__":
    main()
