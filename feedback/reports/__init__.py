"""Reports and transparency (SPEC §7): the figures by unit, field and period, and their publication."""
