"""The demo appraisal event (filled in with the appraisal engine)."""


def load_demo_event() -> str:
    return "no demo event yet"
