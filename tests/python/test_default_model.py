"""The shipped default model bundle (models/default.json.gz): it loads, eats
feature spec v1, and scores the bundled sample sensibly."""
import os

import numpy as np

import libscore
from conftest import ROOT

MODEL = os.path.join(ROOT, "models", "default.json.gz")
SAMPLE = os.path.join(ROOT, "examples", "data", "sample-signals.csv.gz")


def test_default_model_matches_the_feature_spec():
    with libscore.Model(MODEL) as model:
        assert model.input == "signals"
        assert model.feature_names == libscore.feature_names()
        meta = model.metadata
        assert meta["training"]["source"] == "signals"
        assert meta["metrics"]["validation"]["auc"] > 0.7


def test_default_model_scores_the_sample():
    with libscore.Panel() as panel, libscore.Model(MODEL) as model:
        panel.read(SAMPLE)
        scored = model.score_panel(panel, "2024-12")
        pd = scored["pd"]
        assert len(scored["uscc"]) == len(pd) > 150
        assert np.all((pd > 0) & (pd < 1))
        # a synthetic population defaults at about 5% a year: the mean PD
        # of an unseen sample must be of that order, and PDs must spread
        assert 0.02 < pd.mean() < 0.10
        assert pd.max() / pd.min() > 20
        # a higher PD never gets a better score
        order = np.argsort(pd)
        assert np.all(np.diff(np.asarray(scored["score"])[order]) <= 0)
