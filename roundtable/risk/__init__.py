"""Offences, harm scoring (Cambridge Crime Harm Index, recency-frequency-gravity), priority
rankings and offending patterns. Everything here belongs to a person's offending section."""
