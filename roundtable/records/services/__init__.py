"""Every write to records, split by subject: ``profiles`` (people and their details, search keys),
``cases`` (cases, members, stages), ``duplicates`` (candidates, review, merge) and ``places``
(premises and groups). Each service validates, writes, keeps the access table and search index
current and audits, in one transaction. Views and the API call these and nothing else to write.
"""
