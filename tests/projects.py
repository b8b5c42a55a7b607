"""Small chatgw projects that tests write into a folder (usually `tmp_path`).

Two projects serve most tests:

- the **shop** project: `tests/compiler/fixtures/shop.openapi.yaml`, `SHOP_CONFIG` and whatever
  action files a test passes to `write_shop`;
- the **Acme** project: a tiny Acme Cloud spec (`ACME_SPEC`) with three actions (`ACME_ACTIONS`:
  a usage GET, a key rotation POST, a trial extension that takes the customer from the identity),
  written by `write_acme` with the upstream's base URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHOP_SPEC = Path(__file__).parent / "compiler" / "fixtures" / "shop.openapi.yaml"
SHOP_CONFIG = """\
version: 1
name: shop-support
openapi: shop.openapi.yaml
upstream:
  base_url: http://127.0.0.1:9
actions: actions/
"""
# The head of a shop config that takes its upstream (and its secret token) from the environment.
SHOP_UPSTREAM_FROM_ENV = """\
version: 1
name: shop-support
openapi: shop.openapi.yaml
upstream:
  base_url: ${SHOP_API_URL:-http://127.0.0.1:9}
  auth: {type: bearer, token: ${SHOP_API_TOKEN}}
"""

HOURS = """\
description: Opening hours
intent:
  examples: [when are you open, opening hours, are you open on sunday]
answer: We ship Monday to Friday.
"""
CANCEL = """\
description: Cancel one of the customer's orders
intent:
  examples: [cancel my order, I don't want order ord_ab12cd any more, stop my order]
slots:
  order_id: {prompt: Which order?}
  customer_id: {from: identity.customer_id}
call:
  operation: cancelOrder
  path: {order_id: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: Order {{ slots.order_id }} is cancelled.
"""


def write_files(root: Path, files: dict[str, Any]) -> None:
    """Write each file below `root`, making folders as needed.

    A file's content is its text, or `{text, encoding}` to write it in another encoding.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            target.write_bytes(content["text"].encode(content["encoding"]))
        else:
            target.write_text(content, encoding="utf-8")


def write_shop(root: Path, files: dict[str, Any]) -> Path:
    """The shop spec, `SHOP_CONFIG` unless `files` has a chatgw.yaml, and `files`; returns the config's path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / SHOP_SPEC.name).write_bytes(SHOP_SPEC.read_bytes())
    write_files(root, {"chatgw.yaml": SHOP_CONFIG, **files})
    return root / "chatgw.yaml"


def write_acme(root: Path, base_url: str = "http://127.0.0.1:9", extra: str = "") -> Path:
    """The Acme project, calling `base_url` with the token in $ACME_API_TOKEN; `extra` is appended
    to its chatgw.yaml. Returns the config's path."""
    write_files(
        root,
        {
            "acme.openapi.yaml": ACME_SPEC,
            **{f"actions/{action}.yaml": text for action, text in ACME_ACTIONS.items()},
            "chatgw.yaml": ACME_CONFIG.format(base_url=base_url) + extra,
        },
    )
    return root / "chatgw.yaml"


ACME_CONFIG = """\
version: 1
name: acme
openapi: acme.openapi.yaml
upstream:
  base_url: {base_url}
  auth: {{type: bearer, token: ${{ACME_API_TOKEN}}}}
  retries: 0
actions: actions/
"""

ACME_SPEC = """\
openapi: 3.0.3
info: {title: Acme Cloud, version: "1"}
paths:
  /projects/{project_id}/usage:
    get:
      operationId: getProjectUsage
      tags: [Usage]
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string, pattern: "^proj_[a-z0-9]{5}$"}}
      responses:
        "200":
          description: usage this month
          content:
            application/json:
              schema: {type: object, properties: {requests: {type: integer}}}
              example: {requests: 1234}
  /projects/{project_id}/keys/rotate:
    post:
      operationId: rotateProjectKey
      tags: [Keys]
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string, pattern: "^proj_[a-z0-9]{5}$"}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {reason: {type: string}}}
      responses:
        "200":
          description: rotated
          content:
            application/json:
              schema: {type: object, properties: {key_suffix: {type: string}}}
              example: {key_suffix: x9Qz}
  /customers/{customer_id}/trial/extend:
    post:
      operationId: extendTrial
      parameters:
        - {name: customer_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [hours]
              properties: {hours: {type: integer, minimum: 1, maximum: 72}}
      responses:
        "200": {description: extended}
"""

ACME_ACTIONS = {
    "show_usage": """\
description: Show how many requests a project made this month.
intent:
  examples:
    - how many requests did my project make
    - show me the usage of proj_8f2k1
    - what is my usage this month
    - how much traffic did we use
    - check the request count for my project
slots:
  project_id:
    from: message
    prompt: Which project is it? Project ids look like proj_ab12c.
call:
  operation: getProjectUsage
  path: {project_id: "{{ slots.project_id }}"}
reply:
  ok: Project {{ slots.project_id }} made {{ response.body.requests }} requests this month.
tags: [usage]
""",
    "rotate_key": """\
description: Issue a new API key for a project and revoke the old one.
intent:
  examples:
    - reset my api key
    - my key leaked, I need a new one
    - rotate the token for proj_8f2k1
    - I need a new api key
    - revoke my api token and give me a new one
slots:
  project_id:
    from: message
    prompt: Which project is it? Project ids look like proj_ab12c.
confirm: I'll revoke the current key of {{ slots.project_id }} and issue a new one. Go ahead?
call:
  operation: rotateProjectKey
  path: {project_id: "{{ slots.project_id }}"}
  body: {reason: support-chat}
reply:
  ok: Done. Your new key ends in {{ response.body.key_suffix }}.
tags: [keys]
""",
    "extend_trial": """\
description: Extend the free trial of your account by some hours.
intent:
  examples:
    - extend my trial
    - can I get more time on my free trial
    - my trial is about to expire, please extend it
    - give me 24 more hours of trial
    - I need a longer trial
slots:
  customer_id:
    from: identity.customer_id
  hours:
    from: message
    prompt: How many hours should I add (1 to 72)?
confirm: I'll extend the trial of {{ slots.customer_id }} by {{ slots.hours }} hours. Go ahead?
call:
  operation: extendTrial
  path: {customer_id: "{{ slots.customer_id }}"}
  body: {hours: "{{ slots.hours }}"}
reply:
  ok: Done.
""",
}
