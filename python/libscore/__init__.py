"""libscore for Python: a ctypes wrapper around libscore.so.1.

Needs only the standard library and numpy (pandas, scikit-learn and tqdm are
used when installed). `pip install ./python` ships the library inside the
package; otherwise it is found through LIBSCORE_LIBRARY, a `cmake --install`
beside the package, this checkout's build tree, then the system. Every
failed call raises ScoreError with the library's message; a bad argument
raises TypeError or ValueError before reaching C; an object used after
close() raises ClosedError.
"""
from ._native import LIBRARY_PATH, LIBRARY_VERSION, ClosedError, ScoreError
from ._version import __version__
from .enhance import (GUARANTEE_LGD_SHARING, GUARANTEE_SUBSTITUTION, EnhanceConfig,
                      EnhanceRequest, EnhanceResult, enhance_compute, enhance_parse_request,
                      enhance_risk_weight)
from .metrics import auc, gini, ks, psi
from .model import Model
from .panel import Panel, feature_directions, feature_names, uscc_valid, version
from .pool import Pool, pool_config, read_members, simulate, size

__all__ = ["ScoreError", "ClosedError", "Model", "Panel", "feature_directions", "feature_names",
           "uscc_valid", "version", "__version__", "LIBRARY_PATH", "LIBRARY_VERSION"]
__all__ += ["EnhanceConfig", "EnhanceRequest", "EnhanceResult", "enhance_compute",
            "enhance_parse_request", "enhance_risk_weight", "GUARANTEE_LGD_SHARING",
            "GUARANTEE_SUBSTITUTION"]
__all__ += ["Pool", "pool_config", "read_members", "simulate", "size"]
__all__ += ["auc", "gini", "ks", "psi"]

# monitoring, drift and reports
from .monitor import (Monitor, MonitorConfig, Report, alert_codes, drift,  # noqa: E402
                      monitor_evaluate, psi_verdict)

__all__ += ["Monitor", "MonitorConfig", "Report", "alert_codes", "drift", "monitor_evaluate",
            "psi_verdict"]

# synthetic data
from .synth import synth, synth_panel  # noqa: E402

__all__ += ["synth", "synth_panel"]
