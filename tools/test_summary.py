#!/usr/bin/env python3
"""Prints the closing 'tests: N passed, N failed, N skipped' line from meson's logs, and every skip with its reason.

usage: test_summary.py MESON_LOGS/testlog.json

A skip is a meson test that exited 77, or a GoogleTest case that called GTEST_SKIP (read from testlog.junit.xml
beside testlog.json, where meson puts GoogleTest's own report). A skip is allowed when its reason starts with
"allowed skip:" (GoogleTest, tests/test_util.h ATELIER_SKIP_ALLOWED) or its line with "SKIP (allowed):" (scripts):
a test that cannot run on some machines by nature, such as a CUDA test without a GPU. Under CI=true every other
skip counts as a failure, so that a test cannot pass CI by not running. Exits 1 when anything failed.
"""
import collections
import json
import os
import sys
import xml.etree.ElementTree as ET

ALLOWED_GTEST = "allowed skip:"
ALLOWED_SCRIPT = "SKIP (allowed):"


def script_skip_reason(stdout):
    for line in (stdout or "").splitlines():
        if line.startswith("SKIP"):
            return line.strip()
    return "(no reason printed)"


def gtest_skips(junit_path):
    """(meson test name, case, reason) of each skipped GoogleTest case."""
    if not os.path.exists(junit_path):
        return []
    skips = []
    for suite in ET.parse(junit_path).getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            skipped = case.find("skipped")
            if skipped is None and case.get("result") != "skipped":
                continue
            reason = (skipped.get("message", "") if skipped is not None else "") or (
                skipped.text if skipped is not None and skipped.text else "")
            # GoogleTest's message is "file:line\nreason"; the reason is what matters.
            reason = reason.strip().splitlines()[-1] if reason.strip() else "(no reason given)"
            # meson names each GoogleTest suite "PROJECT.PROJECT:SUITE / TEST.GTESTSUITE"
            name = suite.get("name", "")
            classname = case.get("classname", "")
            if classname and name.endswith("." + classname):
                name = name[: -len(classname) - 1]
            test = name.split(".", 1)[1] if "." in name else name  # testlog.json's name of the test
            skips.append((test, f"{case.get('classname', '')}.{case.get('name', '')}", reason))
    return skips


def main():
    testlog = sys.argv[1]
    in_ci = os.environ.get("CI") == "true"
    results = {}
    stdouts = {}
    with open(testlog) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            results[t.get("name")] = t.get("result")
            stdouts[t.get("name")] = t.get("stdout", "")

    failed = [n for n, r in results.items() if r not in ("OK", "EXPECTEDFAIL", "SKIP")]
    passed = [n for n, r in results.items() if r in ("OK", "EXPECTEDFAIL")]
    skips = []  # (test, what, reason, allowed)
    for n, r in results.items():
        if r == "SKIP":
            reason = script_skip_reason(stdouts[n])
            skips.append((n, n, reason, reason.startswith(ALLOWED_SCRIPT)))
    for test, case, reason in gtest_skips(os.path.join(os.path.dirname(testlog), "testlog.junit.xml")):
        skips.append((test, case, reason, reason.startswith(ALLOWED_GTEST)))

    for test, what, reason, allowed in skips:
        print(f"SKIPPED: {what}{'' if what == test else f' (in {test})'}: {reason}")
    if in_ci:
        for test, what, reason, allowed in skips:
            if allowed:
                continue
            print(f"FAILED: {what} was skipped under CI=true, and its skip is not declared allowed: {reason}")
            if test in passed:
                passed.remove(test)
            if test not in failed:
                failed.append(test)
    for name in failed:
        print(f"FAILED: {name}")
    counted = [s for s in skips if s[3] or not in_ci]
    # The skips by reason ("4 skipped: 4 no GPU"), so that the closing line says why tests did not run.
    reasons = collections.Counter(s[2].removeprefix(ALLOWED_GTEST).removeprefix(ALLOWED_SCRIPT).strip() for s in counted)
    by_reason = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
    print(f"tests: {len(passed)} passed, {len(failed)} failed" +
          (f", {len(counted)} skipped: {by_reason}" if counted else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
