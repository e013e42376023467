"""libscore for Python: a ctypes wrapper around libscore.so.1.

Needs only the standard library and numpy. The shared library is found
through LIBSCORE_LIBRARY, then this checkout's build tree, then the system.
Every failed call raises ScoreError with the library's message.
"""
from ._native import ScoreError
from .enhance import (GUARANTEE_LGD_SHARING, GUARANTEE_SUBSTITUTION, EnhanceConfig,
                      EnhanceRequest, EnhanceResult, enhance_compute, enhance_parse_request,
                      enhance_risk_weight)
from .model import Model
from .panel import Panel, feature_directions, feature_names, uscc_valid, version
from .pool import Pool, pool_config, read_members, simulate, size

__all__ = ["ScoreError", "Model", "Panel", "feature_directions", "feature_names", "uscc_valid",
           "version"]
__all__ += ["EnhanceConfig", "EnhanceRequest", "EnhanceResult", "enhance_compute",
            "enhance_parse_request", "enhance_risk_weight", "GUARANTEE_LGD_SHARING",
            "GUARANTEE_SUBSTITUTION"]
__all__ += ["Pool", "pool_config", "read_members", "simulate", "size"]

# monitoring, drift and reports
from .monitor import (Monitor, MonitorConfig, Report, alert_codes, drift, monitor_evaluate, psi,
                      psi_verdict)

__all__ += ["Monitor", "MonitorConfig", "Report", "alert_codes", "drift", "monitor_evaluate", "psi",
            "psi_verdict"]

# synthetic data
from .synth import synth, synth_panel

__all__ += ["synth", "synth_panel"]
