import os

# Qt tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
