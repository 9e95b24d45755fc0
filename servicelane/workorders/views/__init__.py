"""The web screens of repair orders, one place per audience: the advisor's order screens
(``advisor/``), the technician's bay (``bay.py``), the customer's signed-link pages
(``customer.py``)."""
