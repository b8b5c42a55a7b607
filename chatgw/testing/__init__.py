"""`chatgw test`: conversation tests run through the real engine, with the upstream stubbed.

    cases = load_cases(suite_files([Path("tests/conversations")]), root, actions=names)
    suite = asyncio.run(run_suite(project, cases, mock=False))

The file format is in `chatgw.testing.model` and docs/testing.md.
"""

from chatgw.testing.expect import Mismatch, check_turn
from chatgw.testing.junit import junit_xml, write_junit
from chatgw.testing.loader import Case, SuiteError, load_cases, suite_files
from chatgw.testing.runner import CaseResult, SuiteResult, TurnReport, run_case, run_suite, select
from chatgw.testing.stubs import Stub, StubSender, stub_problem

__all__ = [
    "Case",
    "CaseResult",
    "Mismatch",
    "Stub",
    "StubSender",
    "SuiteError",
    "SuiteResult",
    "TurnReport",
    "check_turn",
    "junit_xml",
    "load_cases",
    "run_case",
    "run_suite",
    "select",
    "stub_problem",
    "suite_files",
    "write_junit",
]
