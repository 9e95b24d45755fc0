"""The test toolkit: a pytest plugin (``plugin.py``) with the people, clients, clock, shared
reference data and scenarios the apps' tests build on. Not a Django app; only tests import it."""
