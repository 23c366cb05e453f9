"""The fictional demo partnership: Fenshire, its neighbour Westmarch, and the demo personas.

Every place, organisation and person here is invented; emails use the reserved ``.example``
domain. This package must never run against a production installation: the demo accounts share a
published password. The management commands ``demo_partnership`` and ``demo_personas`` refuse to.
"""
