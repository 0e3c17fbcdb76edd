#!/usr/bin/env python3
"""Draw the commits for flaky-commits-2.jsonl from git mirrors, deterministically.

    python3 bench/eval/sample-commits-2.py MIRROR_ROOT > /tmp/sample.tsv

MIRROR_ROOT holds one folder per repository named <owner>+<name> (git dir in it, or its repo/).
Each repository is walked from a pinned tip commit (so a newer snapshot draws the same sample),
non-merge commits authored 2021-01-01 or later, bots, back-ports and repeated subjects left out
(the oldest copy kept), and every commit
is put in the first stratum it fits:

  mitigation  the message (without "[ci skip]"-like tags) speaks of skipping/disabling/xfailing/
              retrying/relaxing or of longer timeouts, and of flakiness, timing, hangs or slowness,
              and the subject is about tests or CI
  keyword     the whole message mentions flakiness, races, timing, timeouts, retries, sleeps ...
  test-only   every changed file is a test file or a change-log fragment (and neither of the above)
  random      any remaining commit
  flaky-word  (a top-up) keyword commits not drawn above whose message says flaky/intermittent/
              sporadic/unstable/nondeterministic outright

From each stratum a fixed number is drawn with random.Random seeded by (SEED, repo, stratum).
Output: one tab-separated line per drawn commit: repo, sha, stratum, subject.
"""
import random
import re
import subprocess
import sys
import os

SEED = "unsung-flaky-2"
SINCE = "2021-01-01"

# repo -> (language, pinned tip)
REPOS = {
    "netty/netty": ("Java", "0bb88a3e061f77355627e7fd7fc170ffdada7578"),
    "aio-libs/aiohttp": ("Python", "495e778360d1924da63e16dba0f0d76baf56a56a"),
    "vitest-dev/vitest": ("TypeScript", "c3ba16b35847d27fb9f01f38cdcb047c77e121f8"),
    "puma/puma": ("Ruby", "ff2e2126ee2f0f97e21c57ce1967afde1b6f05a1"),
}

# how many to draw from each stratum, per repository
QUOTA = {"keyword": 24, "mitigation": 8, "test-only": 7, "random": 8}
# a top-up drawn afterwards from the keyword commits not drawn above whose message says outright
# that tests fail now and then (added so the set holds enough flaky fixes to measure recall on)
FLAKY_WORD_QUOTA = 4
FLAKY_WORD = re.compile(r"flak(?!e8)|deflake|intermittent|sporadic|unstable|nondetermin|non-determin", re.I)

KEYWORD = re.compile(
    r"flak|deflake|intermittent|\brac(?:e|es|ed|ing|y|iness)\b|timing|timeout|retry|retri(?:ed|es)"
    r"|nondetermin|non-determin|sleep|eventually|sporadic|unstable",
    re.I)
MITIGATION = re.compile(
    r"\bskip|disabl|quarantin|xfail|\bre-?run|retries|\bretry\b|mark\w*\W+(?:\w+\W+)?flak|flaky\s+mark"
    r"|(?:increase|raise|bump|extend|longer|more)\w*\W+(?:\w+\W+){0,3}time-?outs?|time-?outs?\W+(?:\w+\W+){0,2}(?:increase|raise|bump)"
    r"|@Disabled|@Ignore|\.slow\b|known.?failing|allow.?fail|\brelax",
    re.I)
# a mitigation candidate must also be about tests or CI (not a product option being disabled)
TEST_CONTEXT = re.compile(r"test|spec|\bci\b|flak|e2e|\bgha?\b|workflow|windows|macos|jruby|truffle|pypy", re.I)
CI_SKIP_TAG = re.compile(r"[\[(]\s*(?:ci skip|skip ci|changelog skip|skip changelog)\s*[\])]", re.I)
# ... and its message must speak of something that makes tests fail now and then
UNSTEADY = re.compile(r"flak|intermittent|unstable|sporadic|nondetermin|time-?outs?|time out|timing|\brac(?:e|es|y)\b"
                      r"|\bhang|slow", re.I)
BOT = re.compile(r"\[bot\]|dependabot|renovate|patchback|pre-commit-ci|Netty Project Bot|github-actions", re.I)
BACKPORT = re.compile(r"^\[PR #\d+/[0-9a-f]+ backport\]|^\[maven-release-plugin\]|^\[\d+\.\d+\] |backport", re.I)

TEST_DIR = re.compile(r"(?:^|/)(?:tests?|spec|specs|__tests__|__snapshots__|testing|testsuite[\w-]*|test-\w+|fixtures?|e2e)/", re.I)
# change-log fragments do not stop a commit from being test-only
NEUTRAL = re.compile(r"^(?:CHANGES|changes|\.changeset|changelog\.d)/")
TEST_FILE = re.compile(
    r"(?:^|/)(?:test_[^/]*\.py|[^/]*_test\.(?:py|rb)|[^/]*_spec\.rb|conftest\.py"
    r"|[^/]*\.(?:test|spec|bench)\.[cm]?[jt]sx?|[^/]*(?:Test|Tests|TestCase|IT)\.java)$")


def git_dir(root, repo):
    folder = os.path.join(root, repo.replace("/", "+"))
    for cand in (os.path.join(folder, "repo"), folder):
        if os.path.isdir(cand) and subprocess.run(
                ["git", "--git-dir", cand, "rev-parse", "--git-dir"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            return cand
    sys.exit("sample-commits-2: no mirror for %s under %s" % (repo, root))


def commits(gdir, tip):
    fmt = "%x01%H%x02%an%x02%B%x03"
    out = subprocess.run(
        ["git", "--git-dir", gdir, "-c", "core.quotepath=off", "log", "--no-merges", "--topo-order",
         "--since=" + SINCE, "--format=" + fmt, "--name-only", tip],
        check=True, stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
    for rec in out.split("\x01")[1:]:
        head, _, names = rec.partition("\x03")
        sha, author, msg = head.split("\x02", 2)
        files = [n for n in names.splitlines() if n.strip()]
        yield sha, author, msg.strip(), files


def norm_subject(subject):
    """Key for spotting the same change landed twice (back-ports, re-lands): the first 50
    characters of the subject without PR numbers (GitHub cuts long titles with an ellipsis)."""
    s = re.sub(r"^\[PR #\d+/[0-9a-f]+ backport\]\[[^\]]*\]\s*", "", subject)
    s = re.sub(r"(\s*\(#\d+\))+\s*$", "", s).rstrip("…. ")
    return s.strip().lower()[:50]


def is_test(path):
    return bool(TEST_DIR.search(path) or TEST_FILE.search(path))


def strata(gdir, tip):
    pools = {k: [] for k in QUOTA}
    pools["keyword-messages"] = []
    seen = set()
    rows = list(commits(gdir, tip))
    rows.reverse()  # oldest first, so the original of a repeated subject is kept
    for sha, author, msg, files in rows:
        subject = msg.partition("\n")[0]
        if not files or BOT.search(author) or BACKPORT.search(subject):
            continue
        key = norm_subject(subject)
        if key in seen:
            continue
        seen.add(key)
        body = re.sub(r"(?im)^(?:co-authored-by|signed-off-by):.*$", "", msg)
        bare = CI_SKIP_TAG.sub("", body)
        if MITIGATION.search(bare) and UNSTEADY.search(bare) and TEST_CONTEXT.search(CI_SKIP_TAG.sub("", subject)):
            pools["mitigation"].append((sha, subject))
        elif KEYWORD.search(body):
            pools["keyword"].append((sha, subject))
            pools["keyword-messages"].append((sha, subject, body))
        elif any(is_test(f) for f in files) and all(is_test(f) or NEUTRAL.search(f) for f in files):
            pools["test-only"].append((sha, subject))
        else:
            pools["random"].append((sha, subject))
    return pools


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sample-commits-2.py MIRROR_ROOT")
    root = sys.argv[1]
    for repo, (_lang, tip) in REPOS.items():
        gdir = git_dir(root, repo)
        pools = strata(gdir, tip)
        drawn = set()
        for stratum, n in QUOTA.items():
            pool = sorted(pools[stratum])
            rng = random.Random("%s:%s:%s" % (SEED, repo, stratum))
            for sha, subject in rng.sample(pool, min(n, len(pool))):
                drawn.add(sha)
                print("\t".join((repo, sha, stratum, subject)))
        pools["flaky-word"] = [(sha, subject) for sha, subject, msg in pools["keyword-messages"]
                               if sha not in drawn and FLAKY_WORD.search(msg)]
        pool = sorted(pools["flaky-word"])
        rng = random.Random("%s:%s:%s" % (SEED, repo, "flaky-word"))
        for sha, subject in rng.sample(pool, min(FLAKY_WORD_QUOTA, len(pool))):
            print("\t".join((repo, sha, "flaky-word", subject)))
        sys.stderr.write("%s: %s\n" % (repo, ", ".join("%s %d" % (k, len(v)) for k, v in pools.items()
                                                      if k != "keyword-messages")))


if __name__ == "__main__":
    main()
