"""The decision thresholds in use, as chosen from the curve in CALIBRATION.md (``python -m bot.engine.calibrate``)."""

from bot.engine.decide import Thresholds

CALIBRATED = Thresholds(
    faq_min=0.91,
    faq_floor=0.88,
    faq_lead=0.0,
    answer_min=0.86,
    clarify_margin=0.0,
    confident=0.88,
    strict_faq_min=1.01,
    strict_answer_min=0.9,
)
