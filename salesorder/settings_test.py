"""Settings for the test suite: the product's settings in development mode, said here, not left to defaults.

DEBUG=true lets the suite use the development keys; it is put in the environment so the workers,
sandbox stores and commands the tests start in their own processes run in the same mode. Tests of
production behaviour start their processes with an environment of their own.
(Django's test runner still serves requests with DEBUG off while a test runs.)
"""
import os

os.environ["DEBUG"] = "true"

from salesorder.settings import *  # noqa: E402,F401,F403 - every setting, read from the environment as above
