"""The lectures' code, one package each, and the course's judges.

A lecture's package holds everything of that lecture: its networks, losses and training
(``coursekit/models/cyclegan/__init__.py``), its exercise checks (``checks.py``), its widgets
(``widgets.py``) and the zoo recipes that train its models (``recipes.py``).  The shared
machinery (``ck.check``, ``ck.widgets``, ``ck.train``, ``ck.zoo``) finds them through
:data:`LECTURES`.  ``judge`` and ``face_eval`` are the independent readers that score them.
"""

#: The lectures, in course order (notebooks 01-08).
LECTURES = ("dcgan", "cgan", "pix2pix", "cyclegan", "progan", "stylegan", "inversion", "ddpm")
