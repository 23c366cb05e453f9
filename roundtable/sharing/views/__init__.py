"""Sharing pages, one module per subject: ``agreements``, ``records`` (a record's sharing page and
what can be done from it), ``inbox`` (access requests and transfers to answer, my requests) and
``oversight`` (who viewed a record, what a user looked at). Views are thin: they reach records
through ``sharing.kinds`` (which asks the policy), parse a form, call one service, render.
"""
