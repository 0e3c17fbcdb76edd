#!/usr/bin/env python3
"""Deterministic, keyword-stratified sample of real commits for hand labelling.

    python3 bench/eval/sample-commits.py MIRROR_ROOT > /tmp/sample.tsv

MIRROR_ROOT holds git mirrors named owner+name (each with a repo/ git dir, as `fetch` makes them).
Every repository is read at a pinned tip commit, so the sample does not move when a mirror is
refreshed. Candidates are the non-merge commits authored 2021-01-01 .. 2026-12-31, sorted by SHA,
and drawn with random.Random(f"{SEED}:{repo}:{stratum}") in this order, each stratum excluding
commits already drawn:

  mitigation  the subject matches MITIGATION (skip / disable / ignore / rerun / more time ...)
              and speaks of tests or flakiness, and at least one test file changes
  keyword     message matches KEYWORD (flaky / race / timeout / retry / sleep ...)
  test-only   every changed file is a test file and the message does not match KEYWORD
  random      any commit

Output: one tab-separated line per drawn commit: repo, sha, stratum, subject.
"""
import os
import random
import re
import subprocess
import sys

SEED = 20260823
SINCE, UNTIL = "2021-01-01T00:00:00Z", "2026-12-31T23:59:59Z"

KEYWORD = re.compile(
    r"flak|deflake|intermittent|\brac(e|es|y|ing)\b|data.?race|timing|timeout|time out|retry|retries"
    r"|nondetermin|non-determin|sleep|eventually|sporadic|unstable",
    re.I,
)
MITIGATION = re.compile(
    r"\bskip|\bdisabl|\bquarantin|\bignor|mark\w* .*flak|\brerun|\bre-run|\bretry|\bretries"
    r"|(increase|bump|raise|extend|longer|more)\w* .*(time|wait|deadline)|t\.skip|skip\s*="
    r"|(fewer|reduce|lower)\w* .*(worker|iteration|parallel|concurren)",
    re.I,
)
# the mitigation stratum looks at the subject only, and it must speak of tests or flakiness
TESTISH = re.compile(r"test|flak|\bci\b|e2e|integration", re.I)

# repo -> (pinned tip, language, counts per stratum in draw order)
REPOS = {
    "grpc/grpc-go": ("4793ad0474669eafbd5346c8a3d098fdfa542498", "Go",
                     {"mitigation": 5, "keyword": 25, "test-only": 10, "random": 10}),
    "etcd-io/etcd": ("c34dc7ee0048fd2bcc44d50beff002e5e8069b69", "Go",
                     {"mitigation": 5, "keyword": 25, "test-only": 10, "random": 10}),
    "square/okhttp": ("1682d9bac8c03dffde2969b0b74d47649d0dbb52", "Kotlin",
                      {"mitigation": 4, "keyword": 20, "test-only": 8, "random": 8}),
    "npgsql/npgsql": ("3cb5804b769b000a1fc88ad8e5e764667f0df4a1", "C#",
                      {"mitigation": 4, "keyword": 20, "test-only": 8, "random": 8}),
    # added after the first four to widen the positives; ktor keeps tests in <module>/<target>/test/
    "ktorio/ktor": ("ef92e5537d7465961f1b3f2b21e217fc35bcfa1f", "Kotlin-multiplatform",
                    {"mitigation": 3, "keyword": 12, "test-only": 5, "random": 5}),
}

TEST_PATH = {
    "Go": re.compile(r"(_test\.go$|(^|/)testdata/|(^|/)tests?/|(^|/)testutils?/|(^|/)internal/testutils/"
                     r"|(^|/)integration/|(^|/)e2e/|(^|/)robustness/)"),
    "Kotlin": re.compile(r"((^|/)src/\w*[tT]est/|Test\.(kt|java)$|(^|/)okhttp-testing-support/"
                         r"|(^|/)android-test/|(^|/)regression-test/|(^|/)\w+-tests/)"),
    "C#": re.compile(r"(^|/)test/|\.Tests?/|Tests?\.cs$"),
    "Kotlin-multiplatform": re.compile(r"((^|/)\w*[tT]est/|Test\.kt$|(^|/)ktor-test-\w+/|(^|/)test-\w+/)"),
}


def git(gdir, *args):
    return subprocess.run(["git", "--git-dir", gdir, "-c", "core.quotepath=off", *args],
                          check=True, stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")


# The ktor snapshot lacks some large blobs, so rename detection (which reads blobs) fails there;
# listing paths without it is enough for sampling. The other repositories keep git's default.
NO_RENAMES = {"ktorio/ktor"}


def commits(gdir, tip, renames=True):
    out = git(gdir, "log", "--no-merges", "--since=" + SINCE, "--until=" + UNTIL,
              "--format=%x00%H%x01%B%x01", "--name-only", *([] if renames else ["--no-renames"]), tip)
    for rec in out.split("\0")[1:]:
        sha, msg, files = rec.split("\x01")
        yield sha, msg, [f for f in files.split("\n") if f.strip()]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sample-commits.py MIRROR_ROOT")
    root = sys.argv[1]
    for repo, (tip, lang, counts) in REPOS.items():
        gdir = os.path.join(root, repo.replace("/", "+"), "repo")
        is_test = TEST_PATH[lang]
        pool = {"mitigation": [], "keyword": [], "test-only": [], "random": []}
        for sha, msg, files in sorted(commits(gdir, tip, renames=repo not in NO_RENAMES)):
            subject = msg.strip().split("\n")[0]
            tests = [f for f in files if is_test.search(f)]
            if MITIGATION.search(subject) and TESTISH.search(subject) and tests:
                pool["mitigation"].append((sha, subject))
            if KEYWORD.search(msg):
                pool["keyword"].append((sha, subject))
            elif files and len(tests) == len(files):
                pool["test-only"].append((sha, subject))
            pool["random"].append((sha, subject))
        taken = set()
        for stratum, n in counts.items():
            rng = random.Random(f"{SEED}:{repo}:{stratum}")
            cands = [c for c in pool[stratum] if c[0] not in taken]
            for sha, subject in rng.sample(cands, min(n, len(cands))):
                taken.add(sha)
                print("\t".join((repo, sha, stratum, subject.replace("\t", " "))))


if __name__ == "__main__":
    main()
