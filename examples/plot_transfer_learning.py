"""
Transfer learning: pretrain, save, and fine-tune inside a Pipeline
==================================================================

Small clinical cohorts (a few hundred ECGs labelled for pulmonary embolism) are
often too small to train a deep network from scratch. This example shows the
package's transfer-learning workflow on synthetic data from
:func:`sklearn_ecg.datasets.make_ecg`:

1. pretrain a ResNet on a larger PTB-XL-like source task (five diagnostic
   classes) and write it with :func:`sklearn_ecg.classifiers.save_pretrained`;
2. fine-tune it on a small, imbalanced PE-like target inside a
   :class:`~sklearn.pipeline.Pipeline`, with ``warm_start_from``,
   ``freeze="backbone"`` (released after two epochs) and
   ``pos_weight="balanced"``;
3. evaluate with repeated stratified cross-validation. Every fold re-loads the
   same pretrained weights at the start of its own ``fit``.

Everything is scaled down (100 Hz, 5 s records, a narrow ResNet, few epochs) so
that the example runs in well under a minute on a laptop CPU. See
``benchmarks/transfer.py`` for a learning curve on real PTB-XL data.
"""

# %%
# A PTB-XL-like source task
# -------------------------
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier, save_pretrained
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.preprocessing import LeadNormalizer

SFREQ = 100.0
common = dict(base_width=8, batch_size=16, sfreq=SFREQ, random_state=0)

X_src, y_src = make_ecg(
    200,
    sfreq=SFREQ,
    duration=5.0,
    classes=["normal", "mi", "sttc", "cd", "hyp"],
    random_state=0,
    return_X_y=True,
)
source = Pipeline(
    [
        ("norm", LeadNormalizer()),
        ("clf", ECGResNetClassifier(**common, max_epochs=6, validation_fraction=0.2)),
    ]
)
source.fit(X_src, y_src)

# %%
# Save a self-describing checkpoint
# ---------------------------------
# The file holds the weights, the architecture and its arguments, the lead count,
# sampling rate, task and classes, the preprocessing steps of the Pipeline and a
# SHA-256 of the weights. It is read back with ``torch.load(weights_only=True)``,
# so loading never unpickles arbitrary objects. ``save_pretrained`` returns a
# small immutable handle pinned to that hash.
path = Path(tempfile.mkdtemp()) / "synthetic_resnet.pt"
weights = save_pretrained(source, path)
checkpoint = weights.load()
print(checkpoint.describe())
print([step["class"].rsplit(".", 1)[-1] for step in checkpoint.preprocessing])

# %%
# A small, imbalanced PE-like target
# ----------------------------------
# 80 records, about 15 % positives (drawn at random), with a subtle effect.
X_pe, y_pe = make_ecg(
    80,
    sfreq=SFREQ,
    duration=5.0,
    classes=["normal", "pe"],
    weights=[0.85, 0.15],
    effect_size=0.5,
    random_state=1,
    return_X_y=True,
)
print(f"{len(y_pe)} records, {y_pe.mean():.0%} positive")

# %%
# Fine-tune inside a Pipeline and cross-validate
# ----------------------------------------------
# The 5-class head is replaced by one PE logit. The backbone starts frozen (its
# batch-norm statistics included), so the new head first learns on stable
# features; ``unfreeze_after=2`` then fine-tunes everything (gradual unfreezing,
# the best recipe in ``benchmarks/transfer.py``). A pure linear probe is
# ``unfreeze_after=None``: it keeps the backbone frozen throughout, which is
# often too rigid when the target differs from the source task.
pipe = Pipeline(
    [
        ("norm", LeadNormalizer()),
        (
            "clf",
            ECGResNetClassifier(
                **common,
                max_epochs=6,
                validation_fraction=None,
                lr=3e-3,
                warm_start_from=weights,
                freeze="backbone",
                unfreeze_after=2,
                pos_weight="balanced",
            ),
        ),
    ]
)
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=1, random_state=0)
warm = cross_val_score(pipe, X_pe, y_pe, cv=cv, scoring="roc_auc")
pipe.set_params(clf__warm_start_from=None, clf__freeze="none", clf__unfreeze_after=None)
scratch = cross_val_score(pipe, X_pe, y_pe, cv=cv, scoring="roc_auc")
for name, scores in [("warm start, gradual unfreeze", warm), ("from scratch", scratch)]:
    print(f"{name:>28}: AUROC {scores.mean():.3f} +/- {scores.std():.3f}")

# %%
# What was loaded?
# ----------------
# ``warm_start_report_`` lists the tensors loaded from the checkpoint, those
# re-initialised (the new head) and the checkpoint entries not used.
pipe.set_params(
    clf__warm_start_from=weights, clf__freeze="backbone", clf__unfreeze_after=2
)
pipe.fit(X_pe, y_pe)
report = pipe[-1].warm_start_report_
print({key: len(names) for key, names in report.items()}, report["reinitialized"])

# %%
# Per-fold AUROC of the two settings (the same folds for both). With 80 records
# the spread across folds is large; judge transfer learning on learning curves
# with confidence intervals, as in ``benchmarks/transfer.py``.
fig, ax = plt.subplots(figsize=(5, 3))
ax.boxplot([scratch, warm], tick_labels=["from scratch", "warm start\n(gradual)"])
ax.set_ylabel("fold AUROC")
ax.axhline(0.5, color="grey", lw=0.5, ls="--")
ax.set_title("Synthetic PE-like target, 80 records")
fig.tight_layout()
plt.show()
