"""Shared look of every figure: colours for "raises" and "lowers", the layout, feature labels."""

from __future__ import annotations

from core.model.features import FEATURES_BY_NAME

RAISES = "#b2182b"
LOWERS = "#2166ac"
NEUTRAL = "#636363"
# No plotly template: st.plotly_chart applies the app's theme, and a template adds ~10 kB to every figure sent.
LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 380}


def feature_description(name: str) -> str:
    feature = FEATURES_BY_NAME.get(name)
    return feature.description if feature else name


def feature_label(name: str) -> str:
    return feature_description(name).split(" (")[0]
