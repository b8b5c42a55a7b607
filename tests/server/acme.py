"""The small Acme project of the server tests: the spec and the action files."""

from __future__ import annotations

SPEC = """\
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

ACTIONS = {
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
