"""`claimflow chaos`: the whole pipeline under a seeded fault schedule, then invariants checked.

`schedule` draws the faults (pure, seeded), `faults` applies them to a running stack,
`load` builds and publishes the claims and the poison inputs, `observe` samples and reads the
log back, `checks` turns what was read into invariants (pure), `runner` runs it all on a
stack of its own, `result` and `output` write result.json, the table and the plot.

Nothing is imported here: `claimflow --help` loads `chaos.cli`, which must not pull in the
sample renderer and plotting that a run needs.
"""
