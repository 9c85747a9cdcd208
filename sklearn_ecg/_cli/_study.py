"""``sklearn-ecg study CONFIG``: the seed paper's comparison from one file.

The config is JSON, or TOML (Python 3.11+, or with ``tomli`` installed)::

    title = "Does PTB-XL pretraining help PE detection?"
    seed = 0
    device = "auto"
    conditions = ["scratch", "warm"]

    [source]                       # pretraining data (for the warm arms)
    data = "ptbxl:/data/ptb-xl"

    [target]                       # the small cohort
    data = "wfdb:/data/pe/all_train_wfdb"
    labels = "/data/pe/labels_train_all_wfdb.csv"
    sfreq = 100

    [[models]]
    name = "resnet1d"
    params = {depth = 18}

    [training]                     # estimator parameters of every fit
    max_epochs = 30

    [cv]
    n_splits = 5
    n_repeats = 5

The CV is grouped by patient when the target has patient ids. Before
pretraining, a PTB-XL source for a PTB-XL target keeps only the strat_folds the
target does not use; every checkpoint is then compared with the whole target
(``pretrained_overlap = "raise"``, "exclude" or "ignore"; ``exclude`` removes
the target's records and patients from the source before pretraining).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn_ecg.utils import check_int

from . import _figures
from ._args import add_common_args
from ._compare import CONDITIONS, ModelSpec, StudyPlan, compare, pretrain
from ._data import ECGData, load_data
from ._errors import CLIError
from ._overlap import (
    OVERLAP_CHOICES,
    add_overlap_arg,
    checks_text,
    separate_source,
)
from ._parallel import add_parallel_args
from ._report import (
    Report,
    comparison_table,
    prepare_out_dir,
    render_text_table,
    write_json,
)
from ._resume import add_resume_arg, finish, resume_errors, resume_root

TOP_KEYS = {
    "title",
    "out",
    "seed",
    "device",
    "preprocess",
    "conditions",
    "source",
    "target",
    "models",
    "training",
    "pretraining",
    "finetuning",
    "cv",
    "pretrained_overlap",
}
DATA_KEYS = {"data", "labels", "target_column", "sfreq", "split", "skip_missing"}
MODEL_KEYS = {"name", "params", "label", "checkpoint"}


def read_config(path: str) -> dict:
    """Read a JSON or TOML study file into a dict, with one-line errors."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise CLIError(f"config {path!r}: no such file.")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"config {path!r} is unreadable: {exc}") from exc
    if p.suffix.lower() == ".toml":
        toml = _toml_module()
        try:
            config = toml.loads(text)
        except toml.TOMLDecodeError as exc:
            raise CLIError(f"config {path!r} is not valid TOML: {exc}") from exc
    else:
        try:
            config = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CLIError(f"config {path!r} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise CLIError(f"config {path!r} must hold a table/object at the top.")
    return config


def _toml_module():
    try:
        import tomllib  # Python >= 3.11
    except ModuleNotFoundError:
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise CLIError(
                "TOML configs need Python 3.11+ or `pip install tomli`; or write "
                "the config as JSON."
            ) from None
    return tomllib


def plan_from_config(config: dict) -> StudyPlan:
    """Validate a config dict and turn it into a :class:`StudyPlan`."""
    _check_keys(config, TOP_KEYS, "the config")
    models = config.get("models")
    if not models or not isinstance(models, list):
        raise CLIError('config: "models" must be a non-empty list of {name = ...}.')
    specs = []
    for i, m in enumerate(models):
        m = {"name": m} if isinstance(m, str) else m
        if not isinstance(m, dict) or "name" not in m:
            raise CLIError(f"config: models[{i}] needs a name, e.g. name = 'resnet1d'.")
        _check_keys(m, MODEL_KEYS, f"models[{i}]")
        specs.append(ModelSpec(m["name"], dict(m.get("params", {})), m.get("label")))
    titles = [s.title for s in specs]
    if len(set(titles)) != len(titles):
        raise CLIError("config: two models share a name; give them distinct labels.")
    conditions = tuple(config.get("conditions", CONDITIONS))
    bad = [c for c in conditions if c not in CONDITIONS]
    if bad or not conditions:
        raise CLIError(
            f"config: conditions {bad or conditions} must be from {CONDITIONS}."
        )
    cv = config.get("cv", {})
    _check_keys(cv, {"n_splits", "n_repeats"}, "cv")
    overlap = config.get("pretrained_overlap", "raise")
    if overlap not in OVERLAP_CHOICES:
        raise CLIError(
            f"config: pretrained_overlap {overlap!r} must be one of "
            f"{', '.join(OVERLAP_CHOICES)}."
        )
    return StudyPlan(
        models=specs,
        conditions=conditions,
        n_splits=_config_int(cv, "n_splits", 5, 2, where="cv."),
        n_repeats=_config_int(cv, "n_repeats", 2, 1, where="cv."),
        training=dict(config.get("training", {})),
        pretraining=dict(config.get("pretraining", {})),
        finetuning=dict(config.get("finetuning", {})),
        device=str(config.get("device", "auto")),
        random_state=_config_int(config, "seed", 0, 0),
        preprocess=str(config.get("preprocess", "default")),
        pretrained_overlap=overlap,
    )


def _config_int(table: dict, key: str, default: int, minimum: int, where="") -> int:
    """Return an integer config value; a one-line error names a bad key."""
    value = table.get(key, default)
    try:
        return check_int(value, key, minimum)
    except (TypeError, ValueError):
        raise CLIError(
            f"config: {where}{key} must be an integer >= {minimum}, got {value!r}. "
            f"Write a number, e.g. {key} = {default}."
        ) from None


def _check_keys(table, allowed, where):
    if not isinstance(table, dict):
        raise CLIError(f"config: {where} must be a table/object.")
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise CLIError(
            f"config: unknown key {unknown[0]!r} in {where}; allowed: "
            f"{', '.join(sorted(allowed))}."
        )


def _load_section(config, name, seed, skip_missing=False) -> ECGData | None:
    section = config.get(name)
    if section is None:
        return None
    _check_keys(section, DATA_KEYS, name)
    if "data" not in section:
        raise CLIError(f'config: [{name}] needs data = "KIND:PATH".')
    return load_data(
        section["data"],
        labels=section.get("labels"),
        split=section.get("split", "all"),
        target_column=section.get("target_column"),
        sfreq=section.get("sfreq"),
        skip_missing=bool(section.get("skip_missing", skip_missing)),
        random_state=seed,
    )


def add_parser(subparsers):
    """Add the ``study`` sub-parser."""
    p = add_common_args(
        subparsers.add_parser(
            "study", help="architectures x scratch/warm from a config"
        )
    )
    p.add_argument("config", help="a JSON or TOML study file (see the docs)")
    p.add_argument("--out", help="report folder (overrides the config's out)")
    p.add_argument(
        "--skip-missing", action="store_true",
        help="load the records present on disk when a labels table lists more "
        "(both sections; a section's skip_missing key overrides it)",
    )  # fmt: skip
    add_overlap_arg(p)
    add_resume_arg(p)
    add_parallel_args(p)  # --n-jobs, --scheduler (applied by cli.main)
    return p


@resume_errors()
def run(args) -> int:
    """Entry point of ``sklearn-ecg study``."""
    config = read_config(args.config)
    plan = plan_from_config(config)
    if args.device != "auto":
        plan.device = args.device
    if args.pretrained_overlap is not None:
        plan.pretrained_overlap = args.pretrained_overlap
    skip = args.skip_missing
    out = prepare_out_dir(args.out or config.get("out") or "sklearn-ecg-study")
    if "target" not in config:
        raise CLIError('config: a [target] section with data = "KIND:PATH" is needed.')
    target = _load_section(config, "target", plan.random_state, skip)
    models_cfg = [{"name": m} if isinstance(m, str) else m for m in config["models"]]
    given = {
        ModelSpec(m["name"], {}, m.get("label")).title: m["checkpoint"]
        for m in models_cfg
        if m.get("checkpoint")
    }
    needs_source = "warm" in plan.conditions and len(given) < len(models_cfg)
    source = (
        _load_section(config, "source", plan.random_state, skip)
        if needs_source
        else None
    )
    if needs_source and source is None:
        raise CLIError(
            "config: the warm condition needs a [source] section (or a "
            "checkpoint per model)."
        )
    root = resume_root(out, args.resume)
    run_study(
        source,
        target,
        plan,
        out,
        title=config.get("title", "sklearn-ecg study"),
        checkpoints=given,
        resume_dir=root,
    )
    finish(root)
    return 0


def run_study(
    source,
    target,
    plan: StudyPlan,
    out: Path,
    *,
    title: str,
    checkpoints=None,
    notes=(),
    resume_dir=None,
) -> dict:
    """Pretrain, compare, print the table and write the report folder.

    With ``resume_dir`` every fit writes a resume checkpoint under it, so that
    a killed study run again resumes (see :mod:`sklearn_ecg._cli._resume`).
    """
    checkpoints = dict(checkpoints or {})
    pretrained, checks = {}, {}
    to_pretrain = [m for m in plan.models if m.title not in checkpoints]
    if "warm" in plan.conditions and to_pretrain:
        source = separate_source(source, target, plan, checks)
        sub = StudyPlan(**{**plan.__dict__, "models": to_pretrain})
        pretrained = pretrain(source, sub, out / "checkpoints", resume_dir)
        checkpoints.update({k: v["checkpoint"] for k, v in pretrained.items()})
    results = compare(target, plan, checkpoints, checks, resume_dir=resume_dir)
    rows = comparison_table(results)
    print(render_text_table(rows))
    for line in _findings(results):
        print(line)
    sys.stdout.flush()
    notes = [*notes, checks_text(checks)]
    report = _build_report(title, source, target, plan, results, pretrained, out, notes)
    files = report.write(out)
    payload = {
        "title": title,
        "plan": _plan_dict(plan),
        "source": None if source is None else source.description,
        "target": target.description,
        "pretraining": pretrained,
        "checks": checks,
        "results": results,
    }
    files.append(write_json(out / "results.json", payload))
    print(f"report: {', '.join(str(f) for f in files)}")
    return payload


def _build_report(title, source, target, plan, results, pretrained, out, notes):
    report = Report(title)
    for note in notes:
        report.text(note)
    report.heading("Protocol")
    report.text(
        f"Target: {target.description}, {len(target.y)} records, "
        f"{int((target.y == max(target.y)).sum())} positive. "
        + (
            f"Source (pretraining): {source.description}, {len(source.y)} records. "
            if source is not None
            else ""
        )
        + ("Patient-grouped s" if target.groups is not None else "S")
        + f"tratified {plan.n_splits}-fold CV repeated {plan.n_repeats} times, "
        "with identical folds for every arm. Early stopping (and a tuned decision "
        "threshold, when one is asked for) uses a validation split inside each "
        "training fold; the test folds select nothing. Intervals are 95% "
        "t-intervals over folds with the Nadeau-Bengio correction for "
        "overlapping training sets, clipped to the metric's range."
    )
    report.heading("Results")
    for line in _findings(results):
        report.text(line)
    report.table(comparison_table(results))
    _figures.add_arm_figures(
        report, results, out, scores_file="auroc_by_arm.png",
        scores_caption="Test-fold AUROC of each arm, with the mean and its 95% CI",
        roc_caption="Out-of-fold ROC curves (first repetition)",
    )  # fmt: skip
    fig = _figures.pretraining_curves(pretrained, out / "pretraining_curves.png")
    if fig is not None:
        report.figure(
            fig.name,
            "Pretraining: loss and validation AUROC per epoch",
        )
    pos = target.X[target.y == max(target.y)]
    if len(pos):
        fig = _figures.example_ecg(
            pos[0],
            target.sfreq,
            target.lead_names,
            out / "example_ecg.png",
            "A positive target record",
        )
        if fig is not None:
            report.figure(fig.name, "A positive record of the target cohort")
    return report


def _findings(results: dict) -> list[str]:
    """One sentence per architecture on the paired warm - scratch difference."""
    lines = []
    for arm, res in results.items():
        diff = res.get("warm_minus_scratch_auroc")
        if not diff:
            continue
        model = arm.rpartition(" / ")[0]
        verdict = (
            "better than"
            if diff["ci_low"] > 0
            else "worse than"
            if diff["ci_high"] < 0
            else "not distinguishable from"
        )
        lines.append(
            f"{model}: warm start changed the test-fold AUROC by "
            f"{diff['mean']:+.3f} (95% CI {diff['ci_low']:+.3f} to "
            f"{diff['ci_high']:+.3f}, paired over {diff['n']} folds), i.e. "
            f"{verdict} training from scratch at this sample size."
        )
    return lines


def _plan_dict(plan: StudyPlan) -> dict:
    d = dict(plan.__dict__)
    d["models"] = [m.__dict__ for m in plan.models]
    return d
