"""pycocotools' COCOeval on one ground truth and one results file: the benchmark's baseline.

Usage: python3 pycocotools_eval.py <gt.json> <results.json> <bbox|segm|keypoints>
(with PYTHONPATH naming a pycocotools build, e.g. cocoapi/PythonAPI). Prints one
JSON line: the seconds of evaluate() and accumulate() (what is compared with the
service's job), of loading, and COCOeval's stats (checked against the service's).
"""
import contextlib
import io
import json
import sys
import time
import types

import numpy as np

# coco.py imports matplotlib for showAnns only; without it installed, empty stand-ins do (as fixtures/evaluation/makeReference.py).
for _name in ('matplotlib', 'matplotlib.pyplot', 'matplotlib.collections', 'matplotlib.patches'):
    sys.modules.setdefault(_name, types.ModuleType(_name))
sys.modules['matplotlib.collections'].PatchCollection = None
sys.modules['matplotlib.patches'].Polygon = None

np.float = float  # cocoapi's master still says np.float, which numpy 1.24 removed
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

gt_file, results_file, iou_type = sys.argv[1:4]
quiet = io.StringIO()
with contextlib.redirect_stdout(quiet):
    started = time.perf_counter()
    gt = COCO(gt_file)
    dt = gt.loadRes(results_file)
    loaded = time.perf_counter()
    evaluator = COCOeval(gt, dt, iou_type)
    evaluator.evaluate()
    evaluated = time.perf_counter()
    evaluator.accumulate()
    accumulated = time.perf_counter()
    evaluator.summarize()
print(json.dumps({
    "load_s": loaded - started,
    "evaluate_s": evaluated - loaded,
    "accumulate_s": accumulated - evaluated,
    "stats": [float(s) for s in evaluator.stats],
}))
