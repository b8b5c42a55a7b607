"""JUnit XML for CI dashboards: one testcase per conversation, a failure element per failed one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from chatgw.testing.report import render_failure
from chatgw.testing.runner import SuiteResult


def junit_xml(suite: SuiteResult, name: str = "chatgw") -> str:
    """The results as a JUnit XML document (`<testsuites>` with one `<testsuite>`)."""
    total = sum(result.seconds for result in suite.results)
    root = ET.Element("testsuites", name=name, tests=str(len(suite.results)), failures=str(suite.failed), time=f"{total:.3f}")
    testsuite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(suite.results)),
        failures=str(suite.failed),
        errors="0",
        skipped="0",
        time=f"{total:.3f}",
    )
    for result in suite.results:
        case = result.case
        testcase = ET.SubElement(
            testsuite,
            "testcase",
            classname=case.file.rsplit(".", 1)[0].replace("/", "."),
            name=case.name,
            file=case.file,
            line=str(case.line),
            time=f"{result.seconds:.3f}",
        )
        if not result.passed:
            turn = result.failed_turn
            first = turn.mismatches[0].message if turn is not None else (result.error or "failed")
            where = f"turn {turn.index}: " if turn is not None else ""
            failure = ET.SubElement(testcase, "failure", message=where + first, type="ConversationMismatch")
            failure.text = render_failure(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(suite: SuiteResult, path: Path, name: str = "chatgw") -> None:
    """Write `junit_xml(suite)` to `path`, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(suite, name), encoding="utf-8")
