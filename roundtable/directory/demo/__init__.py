"""The fictional demo partnership: Fenshire, its neighbour Westmarch, and the demo personas.

``builder`` makes the directory, ``records`` the people, places, cases and shares, and
``casework`` months of casework on them through the services (``story`` replays each step at the
time it happened; ``cast``, ``stories``, ``work`` and ``histories`` are what happens).

Every place, organisation and person here is invented; emails use the reserved ``.example``
domain. This package must never run against a production installation: the demo accounts share a
published password. The management commands ``demo_partnership`` and ``demo_personas`` refuse to.
"""
