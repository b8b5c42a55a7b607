"""`chatgw init`: action files scaffolded from chosen operations of an OpenAPI spec.

    result = init_project(spec, select_operations(spec, ["rotateProjectKey"]), Path("chatgw.yaml"))

What it writes passes `chatgw validate` with no errors; its intent examples are placeholders
(CGW403 warnings) for the operator to replace.
"""

from chatgw.scaffold.action import action_name, scaffold_action
from chatgw.scaffold.config import scaffold_config
from chatgw.scaffold.project import InitResult, ScaffoldError, init_project, select_operations

__all__ = [
    "InitResult",
    "ScaffoldError",
    "action_name",
    "init_project",
    "scaffold_action",
    "scaffold_config",
    "select_operations",
]
