"""The field's official metrics against numbers computed by the reference code.

Every expected value below was computed with the reference implementations, run
unmodified (except ``np.bool = np.bool_`` for numpy >= 1.24) on the literal
inputs of this file, never with this package:

- PTB-XL: helme/ecg_ptbxl_benchmarking@847517a03bd356f58889f0fdac05278f936603f8,
  code/utils/utils.py (``challenge_metrics``, ``find_optimal_cutoff_thresholds``,
  ``find_optimal_cutoff_thresholds_for_Gbeta``, ``apply_thresholds``; the same
  code at 17492acca9491e977bcd87e9785bdb835c49bafb), with scikit-learn 1.9.1.
- CinC 2021: physionetchallenges/evaluation-2021, evaluate_model.py (final version:
  ``load_weights`` splitting ``|`` classes, ``load_labels``,
  ``load_classifier_outputs``, ``compute_challenge_metric`` with
  ``sinus_rhythm={'426783006'}``; the metric functions are those of
  d12d417f2a8463f588df397e3b655c3bae79c54e) with physionetchallenges/
  python-classifier-2021@19322df43a07ec587d0cb04fbb63fd25c87f78af helper_code.py,
  end to end: one ``#Dx:`` header and one output CSV (``save_outputs``) per record,
  scored with the 26-class weights.csv shipped as cinc2021_weights.csv.
"""

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning

from sklearn_ecg.metrics import (
    cinc2021_challenge_score,
    get_scorer,
    get_scorer_names,
    load_cinc2021_weights,
    make_cinc2021_scorer,
    ptbxl_apply_thresholds,
    ptbxl_fbeta_score,
    ptbxl_gbeta_score,
    ptbxl_tune_thresholds,
)


def _bits(*rows):
    return np.array([[int(c) for c in row] for row in rows])


# --- PTB-XL benchmark (Strodthoff et al. 2021) --------------------------------
# Record 0 has three labels, record 11 four; record 0 predicts nothing.
PTB_Y_TRUE = _bits(
    "1110", "1000", "0110", "1001", "0011", "1000",
    "0001", "0010", "0100", "0100", "0010", "1111",
)  # fmt: skip
PTB_Y_PRED = _bits(
    "0000", "0100", "1111", "1111", "0001", "1100",
    "0001", "1001", "1110", "0110", "0100", "0001",
)  # fmt: skip
# challenge_metrics(y_true, y_pred, beta1=b, beta2=b) of the reference.
PTB_EXPECTED = {
    2: (0.5418963914237023, 0.30317124735729384),
    1: (0.4689717153845628, 0.3326488331707166),
    0.5: (0.41678832062631305, 0.3551215536894048),
}
# Class 2 has no positive record but two false positives.
PTB_NOPOS_Y_TRUE = _bits(
    "1100", "1000", "0100", "1001", "0001", "1000",
    "0001", "1000", "0100", "0100", "1000", "1101",
)  # fmt: skip
PTB_NOPOS_Y_PRED = _bits(
    "0000", "0110", "1111", "1111", "0001", "1100",
    "0001", "1001", "1110", "0110", "0100", "0001",
)  # fmt: skip
PTB_NOPOS_EXPECTED = (0.5117956320747772, 0.2998638686678742)

THR_Y_TRUE = _bits(
    "010", "001", "010", "001", "010", "100", "100", "011", "010", "010",
    "110", "011", "101", "010", "010", "100", "010", "100", "111", "010",
)  # fmt: skip
THR_PROBA = np.array([
    [0.1, 0.77, 0.16], [0.23, 0.0, 1.0], [0.31, 0.79, 0.06], [0.08, 0.53, 0.96],
    [0.4, 0.87, 0.56], [0.86, 0.36, 0.09], [0.59, 0.13, 0.03], [0.25, 0.48, 1.0],
    [0.37, 0.65, 0.16], [0.44, 0.99, 0.6], [0.5, 0.72, 0.58], [0.35, 0.93, 0.68],
    [0.97, 0.58, 0.61], [0.2, 0.7, 0.58], [0.04, 0.81, 0.35], [0.91, 0.05, 0.1],
    [0.47, 1.0, 0.32], [0.76, 0.43, 0.12], [0.95, 0.46, 0.83], [0.51, 0.53, 0.22],
])  # fmt: skip
THR_ROC = [0.5, 0.65, 0.61]  # find_optimal_cutoff_thresholds
THR_GBETA = [0.4747474747474748, 0.43434343434343436, 0.6060606060606061]
# apply_thresholds(THR_PROBA, THR_GBETA) and its challenge_metrics.
THR_APPLIED_GBETA = _bits(
    "010", "001", "010", "011", "010", "100", "100", "011", "010", "010",
    "110", "011", "111", "010", "010", "100", "010", "100", "111", "110",
)  # fmt: skip
THR_APPLIED_GBETA_SCORES = (0.9789697713007719, 0.9068278805120911)
# apply_thresholds(THR_PROBA, [0.9, 0.95, 0.99]): the argmax fallback at work.
THR_APPLIED_HIGH = _bits(
    "010", "001", "010", "001", "010", "100", "100", "001", "010", "010",
    "010", "010", "100", "010", "010", "100", "010", "100", "100", "010",
)  # fmt: skip


@pytest.mark.parametrize("beta", [2, 1, 0.5])
def test_ptbxl_fbeta_gbeta_match_reference(beta):
    f_ref, g_ref = PTB_EXPECTED[beta]
    f = ptbxl_fbeta_score(PTB_Y_TRUE, PTB_Y_PRED, beta=beta)
    g = ptbxl_gbeta_score(PTB_Y_TRUE, PTB_Y_PRED, beta=beta)
    assert f == pytest.approx(f_ref, abs=1e-12)
    assert g == pytest.approx(g_ref, abs=1e-12)


def test_ptbxl_class_without_positives_matches_reference():
    f = ptbxl_fbeta_score(PTB_NOPOS_Y_TRUE, PTB_NOPOS_Y_PRED)
    g = ptbxl_gbeta_score(PTB_NOPOS_Y_TRUE, PTB_NOPOS_Y_PRED)
    assert (f, g) == pytest.approx(PTB_NOPOS_EXPECTED, abs=1e-12)
    per_class = ptbxl_fbeta_score(PTB_NOPOS_Y_TRUE, PTB_NOPOS_Y_PRED, average=None)
    assert per_class.shape == (4,) and per_class[2] == 0.0


def test_ptbxl_weights_records_by_their_label_count():
    # Class 1: record 2 (one label) is found, record 0 (two labels) is missed and
    # counts 1/2: F2 = 5 * 1 / (5 * 1 + 4 * 0.5) = 5/7 (unweighted: 5/9).
    y_true, y_pred = [[1, 1], [1, 0], [0, 1]], [[1, 0], [1, 0], [0, 1]]
    per_class = ptbxl_fbeta_score(y_true, y_pred, average=None)
    np.testing.assert_allclose(per_class, [1.0, 5 / 7])
    np.testing.assert_allclose(
        ptbxl_gbeta_score(y_true, y_pred, average=None), [1.0, 1 / (1 + 2 * 0.5)]
    )


def test_ptbxl_undefined_class_and_bad_input():
    y = np.array([[1, 0], [1, 0]])
    with pytest.warns(UndefinedMetricWarning):
        assert ptbxl_fbeta_score(y, y) == 0.5
    assert ptbxl_gbeta_score(y, y, zero_division=1.0) == 1.0
    with pytest.raises(ValueError, match="have no label"):
        ptbxl_fbeta_score([[1, 0], [0, 0]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="multi-label indicator"):
        ptbxl_gbeta_score([1, 0], [1, 0])
    with pytest.raises(ValueError, match="shape"):
        ptbxl_fbeta_score(y, [[1, 0, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="beta"):
        ptbxl_fbeta_score(y, y, beta=0)
    with pytest.raises(ValueError, match="average"):
        ptbxl_fbeta_score(y, y, average="micro")


def test_ptbxl_thresholds_match_reference():
    np.testing.assert_allclose(
        ptbxl_tune_thresholds(THR_Y_TRUE, THR_PROBA), THR_ROC, atol=1e-12
    )
    t = ptbxl_tune_thresholds(THR_Y_TRUE, THR_PROBA, method="gbeta")
    np.testing.assert_allclose(t, THR_GBETA, atol=1e-12)
    y_pred = ptbxl_apply_thresholds(THR_PROBA, t)
    np.testing.assert_array_equal(y_pred, THR_APPLIED_GBETA)
    scores = (
        ptbxl_fbeta_score(THR_Y_TRUE, y_pred),
        ptbxl_gbeta_score(THR_Y_TRUE, y_pred),
    )
    assert scores == pytest.approx(THR_APPLIED_GBETA_SCORES, abs=1e-12)
    np.testing.assert_array_equal(
        ptbxl_apply_thresholds(THR_PROBA, [0.9, 0.95, 0.99]), THR_APPLIED_HIGH
    )


def test_ptbxl_thresholds_single_valued_class():
    y, p = [[1, 0], [1, 0], [0, 0]], [[0.9, 0.2], [0.8, 0.7], [0.1, 0.3]]
    with pytest.warns(UndefinedMetricWarning):
        np.testing.assert_array_equal(ptbxl_tune_thresholds(y, p), [0.8, np.inf])
    t = ptbxl_tune_thresholds(y, p, method="gbeta")
    np.testing.assert_allclose(t, [10 / 99, 0.0])


def test_ptbxl_threshold_bad_input():
    with pytest.raises(ValueError, match="method"):
        ptbxl_tune_thresholds(THR_Y_TRUE, THR_PROBA, method="f1")
    with pytest.raises(ValueError, match="n_thresholds"):
        ptbxl_tune_thresholds(THR_Y_TRUE, THR_PROBA, method="gbeta", n_thresholds=1)
    with pytest.raises(ValueError, match="one probability column"):
        ptbxl_tune_thresholds(THR_Y_TRUE, THR_PROBA[:, :2])
    with pytest.raises(ValueError, match="one threshold per class"):
        ptbxl_apply_thresholds(THR_PROBA, [0.5, 0.5])


# --- PhysioNet/CinC 2021 ------------------------------------------------------
# Columns: SNR, AF, CRBBB|RBBB (both codes), VEB (unscored), CLBBB, VPB, BBB,
# PVC, PRWP. Record 0: sinus rhythm only; 1: an unscored code only; 2: both codes
# of an equivalent pair, predicting the other one; 3: no label; 4: four labels;
# 5: predicts nothing.
CODES = [
    "426783006", "164889003", "713427006", "59118001", "164884008",
    "733534002", "17338001", "6374002", "427172004", "365413008",
]  # fmt: skip
Y_TRUE = _bits(
    "1000000000", "0000100000", "0011000000", "0000000000", "0100011100",
    "0001000001", "0100001111", "1000100111", "0000001001", "1001000010",
    "0111100000", "0100001000", "0000001000", "0000001000", "0100000100",
)  # fmt: skip
Y_PRED = _bits(
    "0001000000", "1010110000", "0001000000", "0100000010", "0101101100",
    "0000000000", "0110001100", "0011000000", "0101000110", "0011000011",
    "0000000100", "0000010000", "1000101010", "0100111011", "1010000001",
)  # fmt: skip
CINC_EXPECTED = 0.33010202715368353
Y_TRUE2 = _bits(
    "000000100000000101000000000000", "000100000001000100100000100010",
    "000000000000100000000000000000", "001000001100000000000000000000",
    "000010000110100000000000010010", "000010000100100000100001000000",
    "000000100100000100010000000000", "010001000000010000101000000000",
    "000000000000000100000000000000", "000000000100000000000000000010",
    "001000000000000001000000000000", "100000000100000000000000000000",
    "010000000000000000000000000000", "000000000110000000100000000000",
    "000000000010100000100000100000", "000000000000000000001000000010",
    "000000100000000000000011000000", "010000000010000000000000000100",
    "001000000100101100010100010100", "000000001000000000010000000000",
    "000000000010000000000000010100", "000000000001000001001000010000",
    "000000000000001000000000000010", "000010000010100000000001000010",
    "000000000010100000000000000011",
)  # fmt: skip
Y_PRED2 = _bits(
    "001000100000101101111000101000", "010100000001000100100010101010",
    "000101000001101000001010000000", "000000001100110000001000000001",
    "000011000100110110101000010010", "000010010100101010100001000100",
    "000001100100000100011101000000", "110011000100000000101101000001",
    "000001100000000100001100000001", "101000000100001000000000000111",
    "101000001010100101001000100000", "100100001110000001000011000100",
    "011101000011000000010001100000", "000101000011000000001000000100",
    "101000000010001000000010101000", "000010010100100000001000000010",
    "011101110000111001001011000000", "010001110011000000000000000100",
    "000000000100111111010110000110", "000000011001001001011000000100",
    "100000000010110110000010010100", "000101000101110010011100010000",
    "000010100101001010000000000110", "100010000010101001001101100100",
    "000011000110100001110001000111",
)  # fmt: skip
CINC_EXPECTED2 = 0.7144618403072875  # every scored code, in weights.csv order
CODES2 = [
    "164889003", "164890007", "6374002", "426627000", "733534002", "164909002",
    "713427006", "59118001", "270492004", "713426002", "39732003", "445118002",
    "164947007", "251146004", "111975006", "698252002", "426783006", "284470004",
    "63593006", "10370003", "365413008", "427172004", "17338001", "164917005",
    "47665007", "427393009", "426177001", "427084000", "164934002", "59931005",
]  # fmt: skip


def test_cinc2021_matches_reference():
    score = cinc2021_challenge_score(Y_TRUE, Y_PRED, classes=CODES)
    assert score == pytest.approx(CINC_EXPECTED, abs=1e-12)
    score2 = cinc2021_challenge_score(Y_TRUE2, Y_PRED2, classes=CODES2)
    assert score2 == pytest.approx(CINC_EXPECTED2, abs=1e-12)
    # Integer codes and another column order give the same score.
    order = np.random.default_rng(0).permutation(len(CODES))
    ints = [int(CODES[i]) for i in order]
    assert cinc2021_challenge_score(
        Y_TRUE[:, order], Y_PRED[:, order], classes=ints
    ) == pytest.approx(CINC_EXPECTED, abs=1e-12)


def test_cinc2021_normaliser_and_edge_cases():
    sinus_only = np.zeros_like(Y_PRED)
    sinus_only[:, 0] = 1
    # Reference: 0.0 for always-sinus-rhythm and 1.0 for the true labels.
    assert cinc2021_challenge_score(Y_TRUE, sinus_only, classes=CODES) == 0.0
    assert cinc2021_challenge_score(Y_TRUE, Y_TRUE, classes=CODES) == 1.0
    # Reference: every record sinus rhythm only -> correct == inactive -> 0.0.
    y3 = _bits("100", "100", "100", "100")
    p3 = _bits("010", "100", "001", "111")
    codes3 = ["426783006", "164889003", "6374002"]
    assert cinc2021_challenge_score(y3, p3, classes=codes3) == 0.0


def test_cinc2021_unscored_and_equivalent_codes():
    # An unscored column (VEB) changes nothing, labels or outputs.
    base = cinc2021_challenge_score(Y_TRUE, Y_PRED, classes=CODES)
    y_pred = Y_PRED.copy()
    y_pred[:, 4] = 1 - y_pred[:, 4]
    assert cinc2021_challenge_score(Y_TRUE, y_pred, classes=CODES) == base
    # Predicting either code of a pair is the same output.
    y_pred = Y_PRED.copy()
    y_pred[:, [2, 3]] = y_pred[:, [3, 2]]
    assert cinc2021_challenge_score(Y_TRUE, y_pred, classes=CODES) == base
    # "a|b" column names are accepted like the challenge's output files.
    merged = np.c_[Y_TRUE[:, :2], Y_TRUE[:, 2:4].max(1), Y_TRUE[:, 4:]]
    merged_pred = np.c_[Y_PRED[:, :2], Y_PRED[:, 2:4].max(1), Y_PRED[:, 4:]]
    codes = CODES[:2] + ["713427006|59118001"] + CODES[4:]
    assert cinc2021_challenge_score(
        merged, merged_pred, classes=codes
    ) == pytest.approx(base, abs=1e-12)


def test_cinc2021_weights_table():
    classes, weights = load_cinc2021_weights()
    assert len(classes) == 26 and weights.shape == (26, 26)
    np.testing.assert_array_equal(weights, weights.T)
    np.testing.assert_array_equal(np.diag(weights), 1.0)
    pairs = {frozenset(c) for c in classes if len(c) == 2}
    assert pairs == {
        frozenset({"713427006", "59118001"}), frozenset({"284470004", "63593006"}),
        frozenset({"427172004", "17338001"}), frozenset({"733534002", "164909002"}),
    }  # fmt: skip
    assert all("164884008" not in c for c in classes)  # VEB is not scored
    k_af = classes.index(frozenset({"164889003"}))
    k_sr = classes.index(frozenset({"426783006"}))
    assert weights[k_af, k_sr] == 0.25
    weights[0, 0] = -1  # a copy: the cached table is untouched
    assert load_cinc2021_weights()[1][0, 0] == 1.0


def test_cinc2021_bad_input(tmp_path):
    with pytest.raises(ValueError, match="scored by the CinC 2021"):
        cinc2021_challenge_score([[1, 0]], [[1, 0]], classes=["AF", "SNR"])
    with pytest.raises(ValueError, match="one code per column"):
        cinc2021_challenge_score([[1, 0]], [[1, 0]], classes=["426783006"])
    with pytest.raises(TypeError, match="sequence of SNOMED-CT codes"):
        cinc2021_challenge_score([[1]], [[1]], classes="426783006")
    bad = tmp_path / "w.csv"
    bad.write_text(",a,b\na,1,0\n")
    with pytest.raises(ValueError, match="square table"):
        cinc2021_challenge_score([[1]], [[1]], classes=["a"], weights=bad)
    no_sinus = tmp_path / "w2.csv"
    no_sinus.write_text(",a,b\na,1,0\nb,0,1\n")
    with pytest.raises(ValueError, match="sinus rhythm"):
        cinc2021_challenge_score([[1]], [[1]], classes=["a"], weights=no_sinus)


def test_official_scorers():
    from sklearn.neighbors import KNeighborsClassifier

    X = np.arange(len(Y_TRUE), dtype=float)[:, None]
    knn = KNeighborsClassifier(1).fit(X, Y_PRED)
    scorer = make_cinc2021_scorer(CODES)
    assert scorer(knn, X, Y_TRUE) == pytest.approx(CINC_EXPECTED, abs=1e-12)
    with pytest.raises(ValueError, match="scored by the CinC 2021"):
        make_cinc2021_scorer(["AF"])
    X = np.arange(12, dtype=float)[:, None]
    knn = KNeighborsClassifier(1).fit(X, PTB_Y_PRED)
    assert {"ptbxl_fbeta", "ptbxl_gbeta"} <= set(get_scorer_names())
    f_ref, g_ref = PTB_EXPECTED[2]
    assert get_scorer("ptbxl_fbeta")(knn, X, PTB_Y_TRUE) == pytest.approx(f_ref)
    assert get_scorer("ptbxl_gbeta")(knn, X, PTB_Y_TRUE) == pytest.approx(g_ref)
