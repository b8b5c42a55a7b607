"""The "Do you want me to ...?" band on CLINC150: what asking buys, and what it costs.

    .venv/bin/python bench/clarify.py [--data PATH] [--shots 10] [--seed 0] [--engine embeddings]

The engine is built from `--shots` training examples per intent (as bench/nlu.py does). For
every test message, in scope and out of scope, the bot either acts on one intent, asks about
one or two (`chatgw.engine.clarify.band`: a near miss or a tie), or refuses. Printed:

* in scope: acted on the right intent, asked with the right intent among the choices (a
  customer picks it: recovered), asked without it, acted on a wrong intent, refused;
* out of scope: refused, asked (a customer says "neither": one turn lost), acted (wrong);
* the floor: the same engine without the band (acting at the threshold, refusing below).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.nlu import DEFAULT_DATA, _examples  # noqa: E402  (same data and sampling)
from chatgw.engine.clarify import NEAR_MISS, TIE_MARGIN, band  # noqa: E402
from chatgw.nlu.intents import build_intent_engine  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--shots", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", default="embeddings")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"skipped: {args.data} not found (CLINC150 data_full.json)")
        return 0
    data = json.loads(args.data.read_text())
    engine = build_intent_engine(_examples(data["train"], args.shots, args.seed), engine=args.engine)
    inside, outside = Counter(), Counter()
    floor_in = floor_out = 0
    for text, gold in data["test"]:
        match = engine.match(text)
        offered = band(match)
        floor_in += match.name == gold
        if offered:
            inside["asked, right one offered" if gold in offered else "asked, right one not offered"] += 1
        elif match.name is None:
            inside["refused"] += 1
        else:
            inside["acted, right" if match.name == gold else "acted, wrong"] += 1
    for text, _ in data["oos_test"]:
        match = engine.match(text)
        offered = band(match)
        floor_out += match.name is None
        outside["asked" if offered else "refused" if match.name is None else "acted (wrong)"] += 1
    n_in, n_out = len(data["test"]), len(data["oos_test"])
    print(f"CLINC150 {args.shots}-shot, engine {args.engine}, NEAR_MISS {NEAR_MISS}, TIE_MARGIN {TIE_MARGIN}")
    print(f"in scope ({n_in}):")
    for key in ("acted, right", "asked, right one offered", "asked, right one not offered", "acted, wrong", "refused"):
        print(f"  {key:32} {100 * inside[key] / n_in:5.1f}%")
    reached = inside["acted, right"] + inside["asked, right one offered"]
    print(f"  right action reached            {100 * reached / n_in:5.1f}%   floor (no band): {100 * floor_in / n_in:5.1f}%")
    print(f"out of scope ({n_out}):")
    for key in ("refused", "asked", "acted (wrong)"):
        print(f"  {key:32} {100 * outside[key] / n_out:5.1f}%")
    print(f"  floor (no band): refused {100 * floor_out / n_out:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
