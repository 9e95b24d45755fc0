"""The advisor's repair order screens: the list, and the order's page (``page.py``) with
one module of actions per step."""
