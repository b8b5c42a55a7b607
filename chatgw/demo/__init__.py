"""The bundled demo product: Acme Cloud, a small stateful API behind `schemas/acme.openapi.yaml`.

    app = create_acme_app("demo-token", seed=7)
    uvicorn.run(app, host="127.0.0.1", port=8081)
"""

from chatgw.demo.acme import create_acme_app
from chatgw.demo.spec import ACME_SPEC_PATH

__all__ = ["ACME_SPEC_PATH", "create_acme_app"]
