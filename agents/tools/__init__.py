"""Operator and tooling code: the CLI commands, demo, sample corpora, evaluations and benchmark.

Nothing in the runtime (streams/, the agents, the shared libraries) imports this package;
its dependencies come with the `tools` extra.
"""
