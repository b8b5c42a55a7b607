"""docs/testing.md stays true: its example passes, and every key of the format is documented."""

from __future__ import annotations

import re

from pydantic import BaseModel

from chatgw.testing.model import ConversationSpec, Expect, RequestExpect, Respond, SuiteFile, TurnSpec
from tests.testing.conftest import REPO, RunText

DOC = (REPO / "docs" / "testing.md").read_text(encoding="utf-8")


def test_docs_testing_example_is_a_passing_test_file(run_text: RunText) -> None:
    example = DOC.split("```yaml\n", 1)[1].split("```", 1)[0]

    suite = run_text(example)

    assert len(suite.results) == 4
    assert [r.case.name for r in suite.results if not r.passed] == []


def test_docs_testing_documents_every_key_of_the_format() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOC, re.M))
    models: list[type[BaseModel]] = [SuiteFile, ConversationSpec, TurnSpec, Expect, RequestExpect]
    keys = {info.alias or name for model in models for name, info in model.model_fields.items()}

    assert keys <= documented
    for key in Respond.model_fields:
        assert f"`{key}`" in DOC
