"""The patient bootstrap behind the outreach effect: whole patients drawn with replacement, fast.

Flags are first summed per patient and cell (a comparison group: one scoring's risk group, contacted or
not), so a patient flagged often is one row per cell. A bootstrap replicate draws patients with
replacement; each row then counts as often as its patient was drawn, and the cells' totals are sums of
those counts over sorted rows (``np.add.reduceat``): one pass over the rows per replicate, done for a
chunk of replicates at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_CHUNK = 100  # replicates drawn at once (a chunk × rows matrix of counts)


def cell_totals(
    patients: np.ndarray,
    cells: np.ndarray,
    n_cells: int,
    dropped: np.ndarray,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Flags and dropouts per cell in ``replicates`` bootstrap samples of whole patients: two [replicate, cell] arrays."""
    codes, unique = pd.factorize(patients)
    grouped = pd.DataFrame({"patient": codes, "cell": cells, "flags": 1, "dropouts": dropped.astype(float)})
    rows = grouped.groupby(["cell", "patient"], sort=True)[["flags", "dropouts"]].sum().reset_index()
    row_cells = rows["cell"].to_numpy()
    present, starts = np.unique(row_cells, return_index=True)
    row_patients = rows["patient"].to_numpy()
    flags, dropouts = rows["flags"].to_numpy(dtype=float), rows["dropouts"].to_numpy(dtype=float)
    out_flags = np.zeros((replicates, n_cells))
    out_dropouts = np.zeros((replicates, n_cells))
    if not len(rows):
        return out_flags, out_dropouts
    for start in range(0, replicates, _CHUNK):
        size = min(_CHUNK, replicates - start)
        drawn = rng.integers(0, len(unique), (size, len(unique)))
        offsets = (np.arange(size) * len(unique))[:, None]
        counts = np.bincount((drawn + offsets).ravel(), minlength=size * len(unique)).reshape(size, len(unique))
        weight = counts[:, row_patients]  # how often each row's patient was drawn
        out_flags[start : start + size, present] = np.add.reduceat(weight * flags, starts, axis=1)
        out_dropouts[start : start + size, present] = np.add.reduceat(weight * dropouts, starts, axis=1)
    return out_flags, out_dropouts
