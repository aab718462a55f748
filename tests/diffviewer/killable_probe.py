"""A job module for tests: reports what a killable child process has imported."""

import importlib
import sys


def modules(name):
    importlib.import_module(name)
    return sorted(sys.modules)


JOBS = {"modules": modules}
