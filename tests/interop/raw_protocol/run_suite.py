#!/usr/bin/python3
"""Runs Samba's samba.tests.dcerpc.raw_protocol suite against $SERVER and
writes one line per test, "<test name> <pass|fail|error|skip>", sorted, to
the file named by the first argument. The suite's own output goes to stderr.

Environment: SERVER (the target address) and SMB_CONF_PATH (a smb.conf with
[global] workgroup and netbios name), as the suite itself reads them.
"""
import sys
import unittest


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _name(self, test):
        return test.id().rsplit(".", 1)[-1]

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes[self._name(test)] = "pass"

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[self._name(test)] = "fail"

    def addError(self, test, err):
        super().addError(test, err)
        self.outcomes[self._name(test)] = "error"

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[self._name(test)] = "skip"

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcomes[self._name(test)] = "fail"

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.outcomes[self._name(test)] = "pass"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: run_suite.py RESULTS_FILE")
    suite = unittest.defaultTestLoader.loadTestsFromName("samba.tests.dcerpc.raw_protocol")
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Recorder)
    result = runner.run(suite)
    with open(sys.argv[1], "w", encoding="ascii") as f:
        for name in sorted(result.outcomes):
            f.write(f"{name} {result.outcomes[name]}\n")
    passed = sum(1 for v in result.outcomes.values() if v == "pass")
    print(f"raw_protocol: {passed}/{len(result.outcomes)} passed", file=sys.stderr)


if __name__ == "__main__":
    main()
